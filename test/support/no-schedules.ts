/** Settings that turn every cron schedule off, so a test's worker runs only the jobs the test adds. */
export const NO_SCHEDULES = {
  CACHE_WARM_CRON: 'off',
  CACHE_REFRESH_CRON: 'off',
  TRACK_CACHE_REFRESH_CRON: 'off',
  TRACK_STATIC_REFRESH_CRON: 'off',
  AUDIO_FEATURES_CRON: 'off',
} as const;
