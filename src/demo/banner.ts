// What `npm run demo` prints once everything is up: where to look and one thing to try.

export const WARM_MUTATION = 'mutation { warmArtistCache(input: {}) { id kind status } }';

function count(value: number): string {
  return value.toLocaleString('en-US');
}

export function demoBanner(options: {
  url: string;
  library: { artists: number; albums: number; tracks: number };
  fast: boolean;
  apiToken: boolean;
  dataDir: string;
  /** Where the demo left its environment for the CLI. */
  envFile: string;
  /** Whether the data folder is the default one, which `linernotes --demo` finds by itself. */
  defaultDataDir: boolean;
}): string {
  const { url, library } = options;
  const body = JSON.stringify({ query: WARM_MUTATION });
  const auth = options.apiToken ? ` -H "authorization: Bearer $API_TOKEN"` : '';
  const pace = options.fast
    ? 'Rate limits are lifted (--fast): a warm of 2,000 artists takes about 15 s, their albums under a minute.'
    : 'Providers answer with real latencies and rate limits (Last.fm 5 requests/s, MusicBrainz 1/s):\n  the first warm takes minutes, as it would against the real services. `--fast` lifts the limits.';
  return [
    '',
    `linernotes demo: ${count(library.artists)} artists, ${count(library.albums)} albums, ${count(library.tracks)} tracks`,
    '  in simulated Plex, Last.fm, Spotify, MusicBrainz and AudioMuse servers on this machine.',
    '',
    `  Dashboard  ${url}/`,
    `  GraphiQL   ${url}/graphql`,
    '',
    'Press the "Warm artists" button on the dashboard, or paste this into GraphiQL:',
    '',
    `  ${WARM_MUTATION}`,
    '',
    'or run it with curl:',
    '',
    `  curl -s ${url}/graphql -H 'content-type: application/json'${auth} \\`,
    `    -d '${body}'`,
    '',
    `Follow a warm from a script: LINERNOTES_URL=${url} node --import tsx examples/follow-warm.ts`,
    '',
    'The CLI on this demo, from another terminal in this folder:',
    '',
    ...(options.defaultDataDir
      ? ['  npx linernotes --demo stats', '  npx linernotes --demo warm']
      : [`  set -a; . ${options.envFile}; set +a`, '  npx linernotes stats', '  npx linernotes warm']),
    '',
    pace,
    `Data: ${options.dataDir} (kept between runs; --reset starts over). Ctrl-C stops everything.`,
    '',
  ].join('\n');
}
