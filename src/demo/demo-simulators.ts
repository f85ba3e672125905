// The five simulators as the demo runs them: a generated library, each provider's latency shaped like
// the real service's, and (unless `fast`) each provider's real rate limit, so the dashboard shows what a
// first warm against the real Last.fm and MusicBrainz looks like.
import type { FaultSettings } from '../simulators/faults.ts';
import { startSimulators, type Simulators } from '../simulators/index.ts';

type Range = readonly [number, number];

/**
 * Round-trip times as seen from a home server: Plex and AudioMuse on the local network, the others
 * across the internet (MusicBrainz is a volunteer-run service and the slowest of them).
 */
export const REALISTIC_LATENCY_MS = {
  plex: [10, 50],
  lastfm: [100, 300],
  spotify: [80, 250],
  musicbrainz: [150, 450],
  audiomuse: [20, 80],
} as const satisfies Record<string, Range>;

export type DemoProvider = keyof typeof REALISTIC_LATENCY_MS;

export interface DemoSimulatorOptions {
  /** Artists in the generated library (its albums and tracks follow from the generator's shape). */
  artists: number;
  seed?: number;
  /** Multiplies every latency: 1 for the demo, less for tests that want the same shape sooner. */
  latencyScale?: number;
  /** Lift the providers' rate limits (the demo's `--fast`), so a warm takes seconds, not minutes. */
  unlimited?: boolean;
}

function latency(provider: DemoProvider, scale: number): FaultSettings {
  const [min, max] = REALISTIC_LATENCY_MS[provider];
  // A seed per provider keeps runs reproducible without every simulator drawing the same delays.
  return { latencyMs: [Math.round(min * scale), Math.round(max * scale)], seed: `demo-${provider}` };
}

export async function startDemoSimulators(options: DemoSimulatorOptions): Promise<Simulators> {
  const scale = options.latencyScale ?? 1;
  const unlimited = options.unlimited ?? false;
  return await startSimulators({
    seed: options.seed ?? 2026,
    artists: options.artists,
    plex: { faults: latency('plex', scale) },
    // `rateLimit: undefined` in quirks turns a simulator's limit off; leaving the key out keeps the real one.
    lastfm: { faults: latency('lastfm', scale), ...(unlimited ? { quirks: { rateLimit: undefined } } : {}) },
    spotify: {
      faults: latency('spotify', scale),
      ...(unlimited ? { quirks: { rateLimit: undefined, dailyQuota: undefined } } : {}),
    },
    musicbrainz: { faults: latency('musicbrainz', scale), ...(unlimited ? { quirks: { rateLimit: undefined } } : {}) },
    audiomuse: { faults: latency('audiomuse', scale) },
  });
}
