// Every GraphQL operation the dashboard sends. test/dashboard/operations.test.ts validates them against
// the schema, so a renamed field fails a test rather than a page.

const RUN_FIELDS = /* GraphQL */ `
  fragment DashboardRun on JobRun {
    id
    kind
    task
    status
    trigger
    createdAt
    startedAt
    finishedAt
    isFinal
    cancelRequested
    progress { current total percent rate etaSeconds }
    sourceCounts
    message
    error
  }
`;

const TABLE_FIELDS = /* GraphQL */ `
  fragment DashboardTable on EntryTableStats {
    total
    fresh
    expiringSoon
    expired
    byTier { hot warm cold }
    bySource { source count }
    topGenres { genre count }
  }
`;

/** The cards, the genre chart, the providers, their health and the job history, in one round trip. */
export const DASHBOARD_QUERY = /* GraphQL */ `
  query Dashboard($topGenres: Int!, $history: Int!) {
    cacheStats(topGenres: $topGenres) {
      at
      artists { ...DashboardTable }
      albums { ...DashboardTable }
      tracks {
        total
        fresh
        expiringSoon
        expired
        byTier { hot warm cold }
        statsTier { fresh expired }
      }
      audioFeatures { total }
      providers {
        provider
        configured
        requests
        errors
        errorsByKind { kind count }
        rateLimited
        currentRate
        breaker
        latency { p50Ms }
        pause { reason since retryAt }
      }
      reads { sinceStart { reads hitRate } }
    }
    providerHealth {
      provider
      configured
      status
      breaker
      failingProcesses
      processes
      genres
      pause { reason retryAt }
      resumesAt
      requestsPerSecond
      budgetPerSecond
      lastHour { requests rateLimited errors }
    }
    jobRuns(first: $history) {
      totalCount
      nodes { ...DashboardRun }
    }
  }
  ${TABLE_FIELDS}
  ${RUN_FIELDS}
`;

/** Runs queued or running when the page opens, to follow them. */
export const ACTIVE_RUNS_QUERY = /* GraphQL */ `
  query DashboardActiveRuns {
    running: jobRuns(first: 20, status: RUNNING) { nodes { ...DashboardRun } }
    queued: jobRuns(first: 20, status: QUEUED) { nodes { ...DashboardRun } }
  }
  ${RUN_FIELDS}
`;

/** One run: its state now, then every change until it ends. */
export const RUN_PROGRESS_SUBSCRIPTION = /* GraphQL */ `
  subscription DashboardRunProgress($id: ID!) {
    jobRunProgress(id: $id) { ...DashboardRun }
  }
  ${RUN_FIELDS}
`;

/** Every run's changes: how the page learns of runs started elsewhere (CLI, schedule, other clients). */
export const RUN_EVENTS_SUBSCRIPTION = /* GraphQL */ `
  subscription DashboardRunEvents {
    jobRunEvents { runId kind status final }
  }
`;

// Each start mutation answers the run it queued, or the run of that kind already active. A refusal is a
// GraphQL error whose extensions.code says why (NOT_ALLOWED, INVALID_INPUT, NOT_CONFIGURED).
function startMutation(name, field, inputType) {
  return /* GraphQL */ `
    mutation ${name}($input: ${inputType}) {
      ${field}(input: $input) { ...DashboardRun }
    }
    ${RUN_FIELDS}
  `;
}

/** The job buttons, in the order they appear. */
export const JOBS = [
  {
    id: 'warm-artists',
    label: 'Warm artists',
    hint: 'Fetch the artists the cache lacks',
    field: 'warmArtistCache',
    mutation: startMutation('DashboardWarmArtists', 'warmArtistCache', 'WarmArtistCacheInput'),
  },
  {
    id: 'warm-albums',
    label: 'Warm albums',
    hint: 'Fetch the albums the cache lacks',
    field: 'warmAlbumCache',
    mutation: startMutation('DashboardWarmAlbums', 'warmAlbumCache', 'WarmAlbumCacheInput'),
  },
  {
    id: 'refresh',
    label: 'Refresh expiring',
    hint: 'Re-fetch entries about to expire, hot ones first',
    field: 'refreshExpiringCache',
    mutation: startMutation('DashboardRefreshExpiring', 'refreshExpiringCache', 'RefreshExpiringCacheInput'),
  },
  {
    id: 'track-stats',
    label: 'Track statistics',
    hint: 'Ratings, plays and skips of every track from Plex',
    field: 'refreshTrackStats',
    mutation: startMutation('DashboardTrackStats', 'refreshTrackStats', 'RefreshTrackStatsInput'),
  },
  {
    id: 'audio-features',
    label: 'Audio features',
    hint: 'Tempo, key, energy and moods from AudioMuse',
    field: 'syncAudioFeatures',
    mutation: startMutation('DashboardAudioFeatures', 'syncAudioFeatures', 'SyncAudioFeaturesInput'),
  },
];

export const CANCEL_MUTATION = /* GraphQL */ `
  mutation DashboardCancelRun($id: ID!) {
    cancelJobRun(id: $id) { ...DashboardRun }
  }
  ${RUN_FIELDS}
`;

/** The coverage card: read on its own and seldom (it scans every entry), not with every refresh. */
export const COVERAGE_QUERY = /* GraphQL */ `
  query DashboardCoverage($tagLimit: Int!) {
    coverage(tagLimit: $tagLimit) {
      artists { ...DashboardCoverage }
      albums { ...DashboardCoverage }
      tracks { ...DashboardCoverage }
      tagCandidates { tag reason entries }
    }
  }
  fragment DashboardCoverage on EntityCoverage {
    total
    withGenres { entries share }
    withMoods { entries share }
    withAudioFeatures { entries share }
    nobodyKnew { entries share }
    ambiguous { entries share }
  }
`;
