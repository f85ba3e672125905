// Builds the provider clients from `config.providers`: one limiter, breaker, counters and HTTP layer per
// provider, shared by every caller in the process. A provider without its configuration has no client;
// asking for it gives a typed `not-configured` error the API and CLI can show.
import packageJson from '../../package.json' with { type: 'json' };
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { type Clock, type ProviderName, systemClock } from '../types.ts';
import { AudiomuseClient } from './audiomuse.ts';
import { CircuitBreaker, type CircuitBreakerOptions, DEFAULT_BREAKER_OPTIONS } from './circuit-breaker.ts';
import { ProviderCounters, type ProviderCountersSnapshot } from './counters.ts';
import { notConfiguredError, registerSecret } from './errors.ts';
import { DEFAULT_HTTP_TUNING, HttpClient, type HttpTuning, type AuthHooks } from './http.ts';
import { LastfmClient } from './lastfm.ts';
import { MusicbrainzClient } from './musicbrainz.ts';
import { PlexClient } from './plex.ts';
import { type AdaptiveRateOptions, type ProviderPause, RateLimiter } from './rate-limiter.ts';
import { createHash } from 'node:crypto';
import { SpotifyClient, SpotifyToken, spotifyAuth } from './spotify.ts';

export type ProvidersConfig = Config['providers'];

export const PROVIDER_NAMES: readonly ProviderName[] = ['plex', 'lastfm', 'musicbrainz', 'spotify', 'audiomuse'];

export interface ProviderClients {
  plex: PlexClient;
  lastfm: LastfmClient;
  musicbrainz: MusicbrainzClient;
  spotify: SpotifyClient;
  audiomuse: AudiomuseClient;
}

/** Per-provider knobs beyond the environment: tests use them for small timeouts, fast breakers, short pauses. */
export interface ProviderTuning {
  http?: Partial<HttpTuning>;
  breaker?: Partial<CircuitBreakerOptions>;
  /** Spotify only: how the adaptive rate moves. */
  adaptive?: Partial<AdaptiveRateOptions>;
  /** Overrides the configured rate (requests per second); null removes the rate limit. */
  requestsPerSecond?: number | null;
  concurrency?: number;
}

export interface ProviderDependencies {
  logger: Logger;
  clock?: Clock;
  /** Applied to every provider, then `perProvider` on top. */
  tuning?: ProviderTuning;
  perProvider?: Partial<Record<ProviderName, ProviderTuning>>;
  /** Contact shown in the User-Agent (MusicBrainz requires one): a URL or an e-mail address. */
  contact?: string;
  spotify?: { probeArtist?: string; capabilityTtlMs?: number };
}

export interface ProviderStatus {
  provider: ProviderName;
  configured: boolean;
  counters: ProviderCountersSnapshot | undefined;
}

export interface Providers {
  readonly plex: PlexClient | undefined;
  readonly lastfm: LastfmClient | undefined;
  readonly musicbrainz: MusicbrainzClient | undefined;
  readonly spotify: SpotifyClient | undefined;
  readonly audiomuse: AudiomuseClient | undefined;
  isConfigured(name: ProviderName): boolean;
  /** The client, or a thrown ProviderError of kind `not-configured`. */
  require<N extends ProviderName>(name: N): ProviderClients[N];
  /** The limiter of a configured provider: `setRate(rps)` for a shared cross-process budget. */
  limiter(name: ProviderName): RateLimiter | undefined;
  /** Counters, breaker state and current rate of every provider (unconfigured ones included). */
  stats(): Record<ProviderName, ProviderStatus>;
  /** The pause in force for a provider in this process, if any. */
  pause(name: ProviderName): ProviderPause | undefined;
  /** Applies a pause decided elsewhere (another process, the stored state); undefined lifts it. */
  applyPause(name: ProviderName, pause: ProviderPause | undefined): void;
  /**
   * Told when this process's own requests paused a provider (its credentials were refused for good), or
   * got through again after such a pause (undefined). Returns the unsubscribe function.
   */
  onPauseChange(listener: PauseListener): () => void;
  /**
   * A short one-way digest of the provider's credentials: a stored pause applies only while the same
   * credentials are configured, so changing the key ends it. Undefined for providers without a key.
   */
  credentialDigest(name: ProviderName): string | undefined;
}

export type PauseListener = (name: ProviderName, pause: ProviderPause | undefined) => void;

/** What a refusal "for good" is about: the providers whose keys can be refused, and what identifies them. */
export function credentialDigest(config: ProvidersConfig, name: ProviderName): string | undefined {
  const parts =
    name === 'lastfm' && config.lastfm !== undefined
      ? [config.lastfm.apiKey]
      : name === 'spotify' && config.spotify !== undefined
        ? [config.spotify.clientId, config.spotify.clientSecret]
        : undefined;
  if (parts === undefined) return undefined;
  // Sixteen hex digits of SHA-256 tell keys apart and say nothing usable about them.
  return createHash('sha256')
    .update(JSON.stringify([name, ...parts]))
    .digest('hex')
    .slice(0, 16);
}

const DEFAULT_CONTACT = 'https://github.com/linernotes/linernotes';

function userAgent(contact: string = DEFAULT_CONTACT): string {
  // MusicBrainz's required form: "Application/version ( contact )".
  return `linernotes/${packageJson.version} ( ${contact} )`;
}

interface Plumbing {
  http: HttpClient;
  limiter: RateLimiter;
  counters: ProviderCounters;
}

export function createProviders(config: ProvidersConfig, dependencies: ProviderDependencies): Providers {
  const clock = dependencies.clock ?? systemClock;
  const logger = dependencies.logger;
  const agent = userAgent(dependencies.contact);
  const plumbing = new Map<ProviderName, Plumbing>();
  const pauseListeners = new Set<PauseListener>();

  const build = (
    provider: ProviderName,
    defaults: {
      requestsPerSecond?: number;
      concurrency?: number;
      adaptive?: boolean;
      slowDownStatuses?: readonly number[];
    },
    headers: Record<string, string>,
    auth?: (http: HttpClient) => AuthHooks,
  ): HttpClient => {
    const tuning: ProviderTuning = {
      ...dependencies.tuning,
      ...dependencies.perProvider?.[provider],
      http: { ...dependencies.tuning?.http, ...dependencies.perProvider?.[provider]?.http },
      breaker: { ...dependencies.tuning?.breaker, ...dependencies.perProvider?.[provider]?.breaker },
    };
    const httpTuning: HttpTuning = { ...DEFAULT_HTTP_TUNING, timeoutMs: config.httpTimeoutMs, ...tuning.http };
    const counters = new ProviderCounters(provider);
    const rate =
      tuning.requestsPerSecond === null ? undefined : (tuning.requestsPerSecond ?? defaults.requestsPerSecond);
    const limiter = new RateLimiter({
      provider,
      clock,
      logger,
      requestsPerSecond: rate,
      concurrency: tuning.concurrency ?? defaults.concurrency,
      adaptive: defaults.adaptive ? (tuning.adaptive ?? true) : undefined,
      maxPauseMs: httpTuning.maxRetryAfterMs,
      defaultPauseMs: httpTuning.defaultRateLimitPauseMs,
      onPauseChange: (pause) => {
        for (const listener of pauseListeners) listener(provider, pause);
      },
    });
    const breaker = new CircuitBreaker(provider, { ...DEFAULT_BREAKER_OPTIONS, ...tuning.breaker }, clock, logger);
    counters.attach({
      breakerState: () => breaker.state,
      breakerRetryAt: () => breaker.retryAt,
      currentRate: () => limiter.currentRate ?? null,
      pausedUntil: () => limiter.pausedUntilDate ?? null,
      unavailableUntil: () => limiter.unavailableUntilDate ?? null,
    });
    const http = new HttpClient({
      provider,
      limiter,
      breaker,
      counters,
      clock,
      logger,
      tuning: httpTuning,
      headers: { 'user-agent': agent, ...headers },
      slowDownStatuses: defaults.slowDownStatuses,
    });
    if (auth !== undefined) http.useAuth(auth(http));
    plumbing.set(provider, { http, limiter, counters });
    return http;
  };

  let plex: PlexClient | undefined;
  if (config.plex !== undefined) {
    registerSecret(config.plex.token);
    const http = build(
      'plex',
      { concurrency: config.plex.concurrency },
      {
        'x-plex-token': config.plex.token,
        'x-plex-client-identifier': 'linernotes',
        'x-plex-product': 'linernotes',
        'x-plex-version': packageJson.version,
      },
    );
    plex = new PlexClient(http, config.plex);
  }

  let lastfm: LastfmClient | undefined;
  if (config.lastfm !== undefined) {
    registerSecret(config.lastfm.apiKey);
    const http = build('lastfm', { requestsPerSecond: config.lastfm.requestsPerSecond }, {});
    lastfm = new LastfmClient(http, config.lastfm);
  }

  let musicbrainz: MusicbrainzClient | undefined;
  if (config.musicbrainz !== undefined) {
    // MusicBrainz refuses excess requests with a 503 (with X-RateLimit-Reset, or with nothing at all).
    const http = build(
      'musicbrainz',
      { requestsPerSecond: config.musicbrainz.requestsPerSecond, slowDownStatuses: [429, 503] },
      {},
    );
    musicbrainz = new MusicbrainzClient(http, config.musicbrainz);
  }

  let spotify: SpotifyClient | undefined;
  if (config.spotify !== undefined) {
    const spotifyConfig = config.spotify;
    // The token is fetched through the same HTTP layer (counted, retried, redacted) that then carries it.
    const http = build(
      'spotify',
      { requestsPerSecond: spotifyConfig.requestsPerSecond, adaptive: true },
      {},
      (client) => spotifyAuth(new SpotifyToken(client, spotifyConfig, clock)),
    );
    spotify = new SpotifyClient(http, spotifyConfig, { clock, ...dependencies.spotify });
  }

  let audiomuse: AudiomuseClient | undefined;
  if (config.audiomuse !== undefined) {
    registerSecret(config.audiomuse.token);
    const token = config.audiomuse.token;
    const http = build(
      'audiomuse',
      { concurrency: config.audiomuse.concurrency },
      token === undefined ? {} : { authorization: `Bearer ${token}` },
    );
    audiomuse = new AudiomuseClient(http, config.audiomuse);
  }

  const clients: { [N in ProviderName]: ProviderClients[N] | undefined } = {
    plex,
    lastfm,
    musicbrainz,
    spotify,
    audiomuse,
  };

  return {
    plex,
    lastfm,
    musicbrainz,
    spotify,
    audiomuse,
    isConfigured: (name) => clients[name] !== undefined,
    require<N extends ProviderName>(name: N): ProviderClients[N] {
      const client = clients[name];
      if (client === undefined) throw notConfiguredError(name);
      return client as ProviderClients[N];
    },
    limiter: (name) => plumbing.get(name)?.limiter,
    stats() {
      const entries = PROVIDER_NAMES.map((provider): [ProviderName, ProviderStatus] => [
        provider,
        {
          provider,
          configured: clients[provider] !== undefined,
          counters: plumbing.get(provider)?.counters.snapshot(),
        },
      ]);
      return Object.fromEntries(entries) as Record<ProviderName, ProviderStatus>;
    },
    pause: (name) => plumbing.get(name)?.limiter.activePause,
    applyPause: (name, pause) => plumbing.get(name)?.limiter.applyPause(pause),
    onPauseChange(listener) {
      pauseListeners.add(listener);
      return () => pauseListeners.delete(listener);
    },
    credentialDigest: (name) => credentialDigest(config, name),
  };
}
