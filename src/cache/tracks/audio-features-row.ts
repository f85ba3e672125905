/** An audio_features row as the API reads it. */
export interface AudioFeaturesRow {
  trackRatingKey: string;
  audiomuseItemId: string | null;
  tempo: number | null;
  key: string | null;
  scale: string | null;
  energy: number | null;
  moodVector: Record<string, number>;
  otherFeatures: Record<string, number>;
  durationSeconds: number | null;
  analysisFingerprint: string | null;
  fetchedAt: Date;
  updatedAt: Date;
}

export const AUDIO_FEATURES_COLUMNS = `
  track_rating_key AS "trackRatingKey", audiomuse_item_id AS "audiomuseItemId", tempo, key, scale, energy,
  mood_vector AS "moodVector", other_features AS "otherFeatures", duration_seconds AS "durationSeconds",
  analysis_fingerprint AS "analysisFingerprint", fetched_at AS "fetchedAt", updated_at AS "updatedAt"`;
