// Spotify artist genres, the enrichment's last resort. Development-mode apps (the only
// kind a self-hosted tool can get) have been losing fields since 2026: an artist object without a
// `genres` field says nothing about the artist, so it is reported as "cannot say", never as "no genres".
import { z } from 'zod';
import type { Clock } from '../types.ts';
import { ProviderError, forgetSecret, registerSecret } from './errors.ts';
import type { AuthHooks, BodyVerdict, HttpClient } from './http.ts';
import { buildUrl, normaliseName } from './names.ts';
import { SingleFlight } from './single-flight.ts';

export interface SpotifyClientConfig {
  apiUrl: string;
  accountsUrl: string;
  clientId: string;
  clientSecret: string;
}

export interface SpotifyClientOptions {
  clock: Clock;
  /** Artist searched by `probeCapabilities()`; any well-known artist will do. */
  probeArtist?: string;
  /** How long a "genres are unavailable" finding is trusted before searches are tried again. */
  capabilityTtlMs?: number;
}

export interface SpotifyArtistRef {
  id: string;
  name: string;
}

export type SpotifyGenresResult =
  /** Spotify answered; `genres` may be empty ("not yet classified"). */
  | { outcome: 'genres'; artist: SpotifyArtistRef; genres: string[] }
  /** Spotify cannot say: the artist object has no `genres` field, or the app is known not to get one. */
  | {
      outcome: 'cannot-say';
      artist: SpotifyArtistRef | undefined;
      reason: 'genres-field-missing' | 'genres-unavailable';
    };

export type GenresCapability = 'available' | 'unavailable' | 'unknown';

export interface SpotifyCapabilities {
  genres: GenresCapability;
  checkedAt: Date | undefined;
  /** Why the last probe could not tell, when it could not. */
  error: { kind: ProviderError['kind']; message: string } | undefined;
}

// Since February 2026 Spotify rejects a search `limit` above 10.
const SPOTIFY_SEARCH_LIMIT = 10;
const DEFAULT_PROBE_ARTIST = 'Radiohead';
const DEFAULT_CAPABILITY_TTL_MS = 24 * 60 * 60_000;
// A development-mode app whose owner has no Premium subscription gets this 403 from every Web API call
// (since February 2026); Spotify adds "When the subscription status changes, it can take a few hours
// before requests are allowed again", hence the pause of a few hours before one request tries again.
const PREMIUM_REQUIRED = /active premium subscription required/i;
const SPOTIFY_PREMIUM_PAUSE_MS = 6 * 60 * 60_000;

const webApiErrorSchema = z.object({ error: z.object({ status: z.number().optional(), message: z.string() }) });

// The accounts service refuses a wrong client id or secret with `{"error":"invalid_client", …}` (a 400;
// OAuth 2.0 allows a 401 for it too). Every token request would get the same answer until the
// credentials change, and changed credentials end a pause at once: one request a day tries again.
const tokenErrorSchema = z.object({ error: z.literal('invalid_client'), error_description: z.string().optional() });
const SPOTIFY_CLIENT_REFUSED_PAUSE_MS = 24 * 60 * 60_000;

/** The token refusal that means "stop asking" for the whole installation: our client credentials. */
function inspectTokenBody(body: unknown, status: number): BodyVerdict | undefined {
  if (status !== 400 && status !== 401) return undefined;
  const parsed = tokenErrorSchema.safeParse(body);
  if (!parsed.success) return undefined;
  const description = parsed.data.error_description?.slice(0, 200);
  return {
    kind: 'unauthorised',
    code: 'auth',
    message: `HTTP ${status}: invalid_client${description ? ` (${description})` : ''}`,
    pauseProviderMs: SPOTIFY_CLIENT_REFUSED_PAUSE_MS,
  };
}

/** Spotify's Web API errors that mean "stop asking" for the whole installation. */
function inspectSpotifyBody(body: unknown, status: number): BodyVerdict | undefined {
  if (status !== 403) return undefined;
  const parsed = webApiErrorSchema.safeParse(body);
  if (!parsed.success || !PREMIUM_REQUIRED.test(parsed.data.error.message)) return undefined;
  return {
    kind: 'unauthorised',
    code: 'auth',
    message: `HTTP 403: ${parsed.data.error.message.slice(0, 200)}`,
    pauseProviderMs: SPOTIFY_PREMIUM_PAUSE_MS,
  };
}

/** A field filter for the search: the exact artist is not pushed off a 10-item page by fuzzy matches. */
function artistQuery(name: string): string {
  // Spotify's query syntax has no escape for a quote inside a phrase; a quote is dropped, not sent.
  return `artist:"${name.replace(/"/g, ' ').replace(/\s+/g, ' ').trim()}"`;
}

// Refresh this long before expiry (capped at a tenth of the token's life, for short test tokens).
const TOKEN_REFRESH_MARGIN_MS = 60_000;

const tokenSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.number().positive(),
});

const artistItemSchema = z.object({
  id: z.string(),
  name: z.string(),
  // Kept optional on purpose: its absence is information (dev-mode apps), distinct from [].
  genres: z.array(z.string()).optional().nullable(),
});
type ArtistItem = z.output<typeof artistItemSchema>;
const searchSchema = z.object({
  artists: z.object({ items: z.array(artistItemSchema.nullable()) }),
});

export class SpotifyToken {
  private current: { value: string; expiresAt: number } | undefined;
  private previous: string | undefined;
  private readonly flight = new SingleFlight<string>();

  constructor(
    private readonly http: HttpClient,
    private readonly config: SpotifyClientConfig,
    private readonly clock: Clock,
  ) {
    registerSecret(config.clientSecret);
    registerSecret(this.basic());
  }

  /** A valid access token: the cached one, or one fresh from the accounts service. */
  async get(): Promise<string> {
    const current = this.current;
    if (current !== undefined && this.clock().getTime() < current.expiresAt) return current.value;
    return this.flight.run('token', () => this.fetch());
  }

  /** Drops the token if it is still the one that was refused, so the next `get()` fetches a new one. */
  invalidate(value?: string): void {
    if (value === undefined || this.current?.value === value) this.current = undefined;
  }

  get cached(): string | undefined {
    return this.current?.value;
  }

  private basic(): string {
    return Buffer.from(`${this.config.clientId}:${this.config.clientSecret}`, 'utf8').toString('base64');
  }

  private async fetch(): Promise<string> {
    const response = await this.http.request({
      operation: 'token',
      method: 'POST',
      url: buildUrl(this.config.accountsUrl, '/api/token'),
      headers: {
        authorization: `Basic ${this.basic()}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
      schema: tokenSchema,
      // Bad credentials are a 400 `invalid_client` here, not a 401; they pause Spotify (inspectTokenBody).
      statusKinds: { 400: 'unauthorised' },
      inspect: inspectTokenBody,
      rateLimit: false,
      breaker: false,
      auth: false,
    });
    const lifetimeMs = response.expires_in * 1000;
    const margin = Math.min(TOKEN_REFRESH_MARGIN_MS, lifetimeMs / 10);
    registerSecret(response.access_token);
    // One generation back stays redacted: a request that used it may still be reporting.
    if (this.previous !== undefined && this.previous !== response.access_token) forgetSecret(this.previous);
    this.previous = this.current?.value;
    this.current = { value: response.access_token, expiresAt: this.clock().getTime() + lifetimeMs - margin };
    return response.access_token;
  }
}

/** The hooks the HTTP layer calls: a Bearer token on every attempt, a new token after a 401. */
export function spotifyAuth(token: SpotifyToken): AuthHooks {
  return {
    async apply(headers) {
      headers.set('authorization', `Bearer ${await token.get()}`);
    },
    async refresh(sent) {
      // Only the token this request carried is dropped: a concurrent call may already have replaced it.
      const used = /^Bearer\s+(.+)$/i.exec(sent.get('authorization') ?? '')?.[1];
      token.invalidate(used ?? token.cached);
      await token.get();
      return true;
    },
  };
}

export class SpotifyClient {
  readonly provider = 'spotify' as const;
  private readonly flights = new SingleFlight<SpotifyGenresResult>();
  private capabilities: SpotifyCapabilities = { genres: 'unknown', checkedAt: undefined, error: undefined };
  private readonly clock: Clock;
  private readonly probeArtist: string;
  private readonly capabilityTtlMs: number;

  constructor(
    private readonly http: HttpClient,
    private readonly config: SpotifyClientConfig,
    options: SpotifyClientOptions,
  ) {
    this.clock = options.clock;
    this.probeArtist = options.probeArtist ?? DEFAULT_PROBE_ARTIST;
    this.capabilityTtlMs = options.capabilityTtlMs ?? DEFAULT_CAPABILITY_TTL_MS;
  }

  /**
   * Finds out once (at start-up) whether these credentials get artist genres at all, from an artist
   * Spotify certainly classifies: no genres for it (an empty list as much as a missing field) means none
   * are given to this app. Never throws: a failed probe is recorded as `unknown` with its error, and
   * searches will tell later.
   */
  async probeCapabilities(signal?: AbortSignal): Promise<SpotifyCapabilities> {
    try {
      const items = await this.search(this.probeArtist, signal);
      const wanted = normaliseName(this.probeArtist);
      const probe = items.find((item) => normaliseName(item.name) === wanted);
      const genres = probe === undefined ? 'unknown' : (probe.genres ?? []).length > 0 ? 'available' : 'unavailable';
      this.capabilities = { genres, checkedAt: this.clock(), error: undefined };
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      this.capabilities = {
        genres: this.capabilities.genres,
        checkedAt: this.clock(),
        error: { kind: error.kind, message: error.message },
      };
    }
    return this.getCapabilities();
  }

  getCapabilities(): SpotifyCapabilities {
    return { ...this.capabilities };
  }

  /**
   * Takes over a finding made earlier (by another process, or before a restart) while it is younger than
   * the capability TTL; false when it is too old to trust, and a probe should find out again.
   */
  restoreCapabilities(found: { genres: Exclude<GenresCapability, 'unknown'>; checkedAt: Date }): boolean {
    if (this.clock().getTime() - found.checkedAt.getTime() >= this.capabilityTtlMs) return false;
    this.capabilities = { genres: found.genres, checkedAt: found.checkedAt, error: undefined };
    return true;
  }

  /**
   * Genres of the artist whose normalised name equals `name` among the search results (never blindly
   * the first result). No exact match → ProviderError 'not-found'.
   */
  artistGenres(name: string, signal?: AbortSignal): Promise<SpotifyGenresResult> {
    return this.flights.run(normaliseName(name), async () => {
      if (this.knownWithoutGenres()) {
        return { outcome: 'cannot-say', artist: undefined, reason: 'genres-unavailable' };
      }
      const items = await this.search(name, signal);
      this.observe(items);
      const match = this.pick(name, items);
      const artist = { id: match.id, name: match.name };
      if (match.genres === undefined || match.genres === null) {
        return { outcome: 'cannot-say', artist, reason: 'genres-field-missing' };
      }
      return {
        outcome: 'genres',
        artist,
        genres: match.genres.map((genre) => genre.trim()).filter((genre) => genre !== ''),
      };
    });
  }

  /** The search result whose normalised name equals `name`; the first such in Spotify's ranking. */
  pick(name: string, items: ArtistItem[]): ArtistItem {
    const wanted = normaliseName(name);
    const match = items.find((item) => normaliseName(item.name) === wanted);
    if (match === undefined) {
      throw new ProviderError({
        provider: 'spotify',
        operation: 'search',
        kind: 'not-found',
        code: 'not-found',
        message: `no artist named ${JSON.stringify(name)} among ${items.length} results`,
      });
    }
    return match;
  }

  private async search(name: string, signal: AbortSignal | undefined): Promise<ArtistItem[]> {
    const response = await this.http.request({
      operation: 'search',
      url: buildUrl(this.config.apiUrl, '/search', {
        q: artistQuery(name),
        type: 'artist',
        limit: SPOTIFY_SEARCH_LIMIT,
      }),
      schema: searchSchema,
      inspect: inspectSpotifyBody,
      signal,
    });
    return response.artists.items.filter((item): item is ArtistItem => item !== null);
  }

  private observe(items: ArtistItem[]): void {
    if (items.length === 0) return;
    const hasGenres = items.some((item) => item.genres !== undefined && item.genres !== null);
    this.capabilities = { genres: hasGenres ? 'available' : 'unavailable', checkedAt: this.clock(), error: undefined };
  }

  private knownWithoutGenres(): boolean {
    const { genres, checkedAt } = this.capabilities;
    return (
      genres === 'unavailable' &&
      checkedAt !== undefined &&
      this.clock().getTime() - checkedAt.getTime() < this.capabilityTtlMs
    );
  }
}
