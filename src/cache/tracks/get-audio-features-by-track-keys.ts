import type { Queryable } from '../../db/queryable.ts';
import { AUDIO_FEATURES_COLUMNS, type AudioFeaturesRow } from './audio-features-row.ts';

/**
 * The audio features of these tracks, keyed by ratingKey. A row AudioMuse has not analysed (no item
 * id) is left out: it records "asked, nothing there", which is no features to a reader.
 */
export async function getAudioFeaturesByTrackKeys(
  db: Queryable,
  ratingKeys: readonly string[],
): Promise<Map<string, AudioFeaturesRow>> {
  if (ratingKeys.length === 0) return new Map();
  const { rows } = await db.query<AudioFeaturesRow>(
    `SELECT ${AUDIO_FEATURES_COLUMNS} FROM audio_features WHERE track_rating_key = ANY($1::text[]) AND audiomuse_item_id IS NOT NULL`,
    [ratingKeys],
  );
  return new Map(rows.map((row) => [row.trackRatingKey, row]));
}
