// audio_features. The API reads it through Prisma, as Track.audioFeatures; the batch upsert and the sync
// plan stay raw SQL (see each).
import type { Queryable } from '../../db/queryable.ts';
import type { AudioMuseScore } from '../../types.ts';

/** The features of one track, as AudioMuse has them now. */
export interface AudioFeaturesWrite {
  trackRatingKey: string;
  score: AudioMuseScore;
  analysisHash: string;
}

/**
 * Writes a batch in one statement (raw: Prisma has no one-statement batch upsert); `updated_at` moves only
 * when the analysis changed.
 */
export async function upsertAudioFeatures(
  db: Queryable,
  entries: readonly AudioFeaturesWrite[],
  fetchedAt: Date,
): Promise<number> {
  if (entries.length === 0) return 0;
  const payload = entries.map(({ trackRatingKey, score, analysisHash }) => ({
    track_rating_key: trackRatingKey,
    audiomuse_item_id: score.itemId,
    tempo: score.tempo ?? null,
    key: score.key ?? null,
    scale: score.scale ?? null,
    energy: score.energy ?? null,
    mood_vector: score.moodVector,
    other_features: score.otherFeatures,
    duration_seconds: score.durationSeconds ?? null,
    analysis_hash: analysisHash,
    analysis_fingerprint: score.fingerprint ?? null,
  }));
  const result = await db.query(
    `INSERT INTO audio_features AS f (track_rating_key, audiomuse_item_id, tempo, key, scale, energy, mood_vector,
                                      other_features, duration_seconds, analysis_hash, analysis_fingerprint,
                                      fetched_at, updated_at)
     SELECT r.track_rating_key, r.audiomuse_item_id, r.tempo, r.key, r.scale, r.energy, r.mood_vector, r.other_features,
            r.duration_seconds, r.analysis_hash, r.analysis_fingerprint, $2, $2
       FROM jsonb_to_recordset($1::jsonb) AS r(track_rating_key text, audiomuse_item_id text, tempo double precision,
            key text, scale text, energy double precision, mood_vector jsonb, other_features jsonb,
            duration_seconds double precision, analysis_hash text, analysis_fingerprint text)
      WHERE EXISTS (SELECT 1 FROM track_cache t WHERE t.rating_key = r.track_rating_key)
     ON CONFLICT (track_rating_key) DO UPDATE SET
       audiomuse_item_id = EXCLUDED.audiomuse_item_id, tempo = EXCLUDED.tempo, key = EXCLUDED.key,
       scale = EXCLUDED.scale, energy = EXCLUDED.energy, mood_vector = EXCLUDED.mood_vector,
       other_features = EXCLUDED.other_features, duration_seconds = EXCLUDED.duration_seconds,
       analysis_hash = EXCLUDED.analysis_hash, analysis_fingerprint = EXCLUDED.analysis_fingerprint, fetched_at = EXCLUDED.fetched_at,
       updated_at = CASE WHEN f.analysis_hash IS DISTINCT FROM EXCLUDED.analysis_hash THEN EXCLUDED.updated_at ELSE f.updated_at END`,
    [JSON.stringify(payload), fetchedAt],
  );
  return result.rowCount ?? 0;
}

export interface SyncPlan {
  /** Cached tracks AudioMuse has analysed whose analysis linernotes lacks or holds in another version. */
  changed: string[];
  /** Cached tracks whose stored fingerprint is the one AudioMuse lists: nothing to fetch. */
  unchanged: number;
  /** Cached tracks AudioMuse has not analysed (yet): asked again through the next run's manifest. */
  notAnalysed: number;
}

/**
 * Compares AudioMuse's manifest ({id, fp} for every analysed track) with what is stored, in one statement
 * (raw: a join against the manifest sent as one jsonb value, where Prisma would read every track first).
 * Ids the manifest lists that are not cached tracks are ignored.
 */
export async function planAudioFeaturesSync(
  db: Queryable,
  manifest: ReadonlyArray<{ id: string; fp: string }>,
): Promise<SyncPlan> {
  const { rows } = await db.query<{ rating_key: string; state: 'changed' | 'unchanged' | 'not-analysed' }>(
    `WITH manifest AS (SELECT DISTINCT ON (m.id) m.id, m.fp FROM jsonb_to_recordset($1::jsonb) AS m(id text, fp text))
     SELECT t.rating_key,
            CASE WHEN m.id IS NULL THEN 'not-analysed'
                 WHEN f.audiomuse_item_id IS NOT NULL AND f.analysis_fingerprint = m.fp THEN 'unchanged'
                 ELSE 'changed' END AS state
       FROM track_cache t
       LEFT JOIN manifest m ON m.id = t.rating_key
       LEFT JOIN audio_features f ON f.track_rating_key = t.rating_key
      ORDER BY t.rating_key`,
    [JSON.stringify(manifest)],
  );
  const plan: SyncPlan = { changed: [], unchanged: 0, notAnalysed: 0 };
  for (const row of rows) {
    if (row.state === 'changed') plan.changed.push(row.rating_key);
    else if (row.state === 'unchanged') plan.unchanged += 1;
    else plan.notAnalysed += 1;
  }
  return plan;
}
