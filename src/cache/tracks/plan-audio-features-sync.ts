import type { Queryable } from '../../db/queryable.ts';

export interface SyncPlan {
  /** Cached tracks AudioMuse has analysed whose analysis linernotes lacks or holds in another version. */
  changed: string[];
  /** Cached tracks whose stored fingerprint is the one AudioMuse lists: nothing to fetch. */
  unchanged: number;
  /** Cached tracks AudioMuse has not analysed (yet): asked again through the next run's manifest. */
  notAnalysed: number;
}

/**
 * Compares AudioMuse's manifest ({id, fp} for every analysed track) with what is stored, in one statement.
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
