// Spotify: an accounts server for the client-credentials token and a Web API server for
// `/v1/search` and `/v1/artists/{id}`, as a development-mode app sees them since February 2026:
// search limit at most 10 (default 5), artist objects without followers/popularity, batch endpoints refused,
// a rolling 30-second rate limit (429 + Retry-After), a daily quota (429 QUOTA_EXCEEDED, Retry-After of hours),
// and the 403 every call of an app gets whose owner has no Premium.
import { FaultInjector, type Fault } from './faults.ts';
import {
  basicCredentials,
  bearerToken,
  json,
  startHttpServer,
  text,
  type SimRequest,
  type SimResponse,
} from './http.ts';
import { createLibrary } from './library.ts';
import { base62Id } from './random.ts';
import { PROVIDER_RATE_LIMITS, SlidingWindowLimiter, type RateLimitRule } from './rate-limit.ts';
import { RequestLog } from './request-log.ts';
import type { SimulatorBaseOptions, SimulatorHandle } from './simulator-types.ts';
import { SpotifyCatalogue, artistObject, type DevGenres, type SpotifyMode } from './spotify-search.ts';

export interface SpotifyQuota extends RateLimitRule {
  /** Retry-After sent once the quota is spent; default 52531 s (~14.6 h, as seen in the wild). */
  retryAfterSeconds?: number;
}

export interface SpotifyQuirks {
  /** `development` (the default: what a new self-hosted app gets) or `extended` (the pre-2026 behaviour). */
  mode: SpotifyMode;
  /** Development-mode artist `genres`: present, `[]`, or missing. Which one Spotify really does is UNCONFIRMED. */
  devGenres: DevGenres;
  /** Token lifetime in seconds. Default 3600. */
  tokenExpiresIn: number;
  /** Rolling window per app; undefined turns it off. */
  rateLimit?: RateLimitRule;
  /** Rolling ~24 h quota per developer account; undefined turns it off. */
  dailyQuota?: SpotifyQuota;
  /**
   * The app's owner has no Premium subscription: since February 2026 every Web API call of a
   * development-mode app answers 403 "Active premium subscription required for the owner of the app"
   * (tokens are still issued). Default false.
   */
  ownerWithoutPremium: boolean;
}

export interface SpotifySimulatorOptions extends SimulatorBaseOptions {
  clientId?: string;
  clientSecret?: string;
  quirks?: Partial<SpotifyQuirks>;
}

export interface SpotifySimulator extends SimulatorHandle {
  /** Web API base, ending in `/v1` (SPOTIFY_API_URL). `url` is its origin. */
  apiUrl: string;
  /** Accounts origin (SPOTIFY_ACCOUNTS_URL); tokens come from `${accountsUrl}/api/token`. */
  accountsUrl: string;
  clientId: string;
  clientSecret: string;
  readonly quirks: Readonly<SpotifyQuirks>;
  setQuirks(quirks: Partial<SpotifyQuirks>): void;
  /** Every token issued so far stops working (401), as after an hour. */
  expireTokens(): void;
  /** How many tokens were issued. */
  readonly tokensIssued: number;
}

const DEFAULT_SPOTIFY_CLIENT_ID = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const DEFAULT_SPOTIFY_CLIENT_SECRET = '0f9e8d7c6b5a49382716f5e4d3c2b1a0';

const QUOTA_RETRY_AFTER_SECONDS = 52_531;
const PREMIUM_REQUIRED_MESSAGE =
  'Active premium subscription required for the owner of the app. When the subscription status changes, it can take a few hours before requests are allowed again.';

function apiError(
  status: number,
  message: string,
  extra: Record<string, string> = {},
  headers: Record<string, string | number> = {},
): SimResponse {
  return json(status, { error: { status, message, ...extra } }, headers);
}

function accountsError(error: string, description: string): SimResponse {
  return json(400, { error, error_description: description });
}

/** Endpoints a development-mode app may no longer call (Nov 2024 and Feb 2026 changes). */
const REFUSED = [
  /^\/v1\/artists$/,
  /^\/v1\/albums$/,
  /^\/v1\/tracks$/,
  /^\/v1\/audio-features(\/.*)?$/,
  /^\/v1\/audio-analysis\/.+$/,
  /^\/v1\/recommendations(\/.*)?$/,
  /^\/v1\/artists\/[^/]+\/related-artists$/,
  /^\/v1\/artists\/[^/]+\/top-tracks$/,
];

const SEARCH_TYPES = ['album', 'artist', 'playlist', 'track', 'show', 'episode', 'audiobook'];

export async function startSpotifySimulator(options: SpotifySimulatorOptions = {}): Promise<SpotifySimulator> {
  const library = options.library ?? createLibrary();
  const log = options.log ?? new RequestLog();
  const faults = new FaultInjector(options.faults);
  const now = options.now ?? Date.now;
  const clientId = options.clientId ?? DEFAULT_SPOTIFY_CLIENT_ID;
  const clientSecret = options.clientSecret ?? DEFAULT_SPOTIFY_CLIENT_SECRET;
  let quirks: SpotifyQuirks = {
    mode: 'development',
    devGenres: 'present',
    tokenExpiresIn: 3600,
    rateLimit: PROVIDER_RATE_LIMITS.spotify,
    dailyQuota: PROVIDER_RATE_LIMITS.spotifyDailyQuota,
    ownerWithoutPremium: false,
    ...options.quirks,
  };
  const rolling = new SlidingWindowLimiter(quirks.rateLimit, now);
  const quota = new SlidingWindowLimiter(quirks.dailyQuota, now);
  const catalogue = new SpotifyCatalogue(library);
  const tokens = new Map<string, { expiresAt: number; clientId: string }>();
  let issued = 0;
  let apiUrl = '';

  // ---- accounts.spotify.com ----

  const token = (request: SimRequest): SimResponse => {
    if (request.path !== '/api/token') return text(404, 'Not Found', 'text/plain');
    if (request.method !== 'POST') return text(405, 'Method Not Allowed', 'text/plain');
    const form = new URLSearchParams(request.body);
    const grantType = form.get('grant_type');
    if (grantType === null || grantType === '')
      return accountsError('unsupported_grant_type', 'grant_type parameter is missing');
    if (grantType !== 'client_credentials') {
      return accountsError(
        'unsupported_grant_type',
        'grant_type must be client_credentials, authorization_code or refresh_token',
      );
    }
    // The secret may come as Basic auth (the documented way) or in the form body (also accepted).
    const basic = basicCredentials(request.headers);
    const id = basic?.user ?? form.get('client_id');
    const secret = basic?.password ?? form.get('client_secret');
    if (id === null || id !== clientId)
      return { ...accountsError('invalid_client', 'Invalid client'), note: 'unauthorised' };
    if (secret !== clientSecret)
      return { ...accountsError('invalid_client', 'Invalid client secret'), note: 'unauthorised' };
    issued++;
    const accessToken = `BQ${base62Id(110, library.seed, 'spotify-token', issued, now())}`;
    tokens.set(accessToken, { expiresAt: now() + quirks.tokenExpiresIn * 1000, clientId: id });
    return json(200, { access_token: accessToken, token_type: 'Bearer', expires_in: quirks.tokenExpiresIn });
  };

  // ---- api.spotify.com ----

  const limitsOf = (mode: SpotifyMode): { fallback: number; max: number } =>
    mode === 'development' ? { fallback: 5, max: 10 } : { fallback: 20, max: 50 };

  const search = (request: SimRequest): SimResponse => {
    const q = request.query.get('q');
    if (q === null || q.trim() === '') return apiError(400, 'No search query');
    const typeParam = request.query.get('type');
    if (typeParam === null || typeParam === '') return apiError(400, 'Missing parameter type');
    const types = typeParam.split(',').map((type) => type.trim());
    if (types.some((type) => !SEARCH_TYPES.includes(type))) return apiError(400, 'Bad search type field');
    const { fallback, max } = limitsOf(quirks.mode);
    const limitParam = request.query.get('limit');
    const limit = limitParam === null ? fallback : Number(limitParam);
    // Since February 2026 anything above 10 is refused, not clamped.
    if (!Number.isInteger(limit) || limit < 0 || limit > max || (limitParam !== null && !/^\d+$/.test(limitParam))) {
      return { ...apiError(400, 'Invalid limit'), note: 'invalid-limit' };
    }
    const offsetParam = request.query.get('offset');
    const offset = offsetParam === null ? 0 : Number(offsetParam);
    if (!Number.isInteger(offset) || offset < 0 || offset > 1000) return apiError(400, 'Invalid offset');
    const body: Record<string, unknown> = {};
    const page = (type: string, items: unknown[], total: number): Record<string, unknown> => {
      const link = (at: number): string =>
        `${apiUrl}/search?${new URLSearchParams({ query: q, type, offset: String(at), limit: String(limit) }).toString()}`;
      return {
        href: link(offset),
        items,
        limit,
        next: offset + limit < total ? link(offset + limit) : null,
        offset,
        previous: offset > 0 ? link(Math.max(0, offset - limit)) : null,
        total,
      };
    };
    for (const type of types) {
      if (type !== 'artist') {
        body[`${type}s`] = page(type, [], 0);
        continue;
      }
      const matches = catalogue.search(q);
      const shape = { mode: quirks.mode, devGenres: quirks.devGenres, apiUrl };
      body['artists'] = page(
        type,
        matches.slice(offset, offset + limit).map((truth) => artistObject(truth, shape)),
        matches.length,
      );
    }
    return json(200, body);
  };

  const artist = (id: string): SimResponse => {
    if (!/^[0-9A-Za-z]{22}$/.test(id)) return apiError(400, 'invalid id');
    const truth = catalogue.byId(id);
    if (truth === undefined) return { ...apiError(404, 'non existing id'), note: 'not-found' };
    return json(200, artistObject(truth, { mode: quirks.mode, devGenres: quirks.devGenres, apiUrl }));
  };

  const checkLimits = (appId: string): SimResponse | undefined => {
    const quotaDecision = quota.tryAcquire('developer-account');
    if (!quotaDecision.allowed) {
      const retryAfter = quirks.dailyQuota?.retryAfterSeconds ?? QUOTA_RETRY_AFTER_SECONDS;
      return {
        ...apiError(429, 'Too many requests', { reason: 'QUOTA_EXCEEDED' }, { 'Retry-After': retryAfter }),
        note: 'quota-exceeded',
      };
    }
    const decision = rolling.tryAcquire(appId);
    if (!decision.allowed) {
      const retryAfter = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
      return { ...apiError(429, 'API rate limit exceeded', {}, { 'Retry-After': retryAfter }), note: 'rate-limited' };
    }
    return undefined;
  };

  const api = (request: SimRequest): SimResponse => {
    const bearer = bearerToken(request.headers);
    const grant = bearer === undefined ? undefined : tokens.get(bearer);
    if (grant === undefined || grant.expiresAt <= now()) {
      return { ...apiError(401, 'Missing/invalid/expired access token'), note: 'unauthorised' };
    }
    if (quirks.ownerWithoutPremium && quirks.mode === 'development') {
      return { ...apiError(403, PREMIUM_REQUIRED_MESSAGE), note: 'premium-required' };
    }
    const limited = checkLimits(grant.clientId);
    if (limited !== undefined) return limited;
    if (request.method !== 'GET') return apiError(405, 'Method not allowed');
    const path = request.path.replace(/\/+$/, '');
    if (quirks.mode === 'development' && REFUSED.some((pattern) => pattern.test(path))) {
      return { ...apiError(403, 'Forbidden'), note: 'removed-endpoint' };
    }
    if (path === '/v1/search') return search(request);
    const single = /^\/v1\/artists\/([^/]+)$/.exec(path);
    if (single?.[1] !== undefined) return artist(single[1]);
    if (path === '/v1/artists') {
      const ids = (request.query.get('ids') ?? '').split(',').filter((id) => id !== '');
      const shape = { mode: quirks.mode, devGenres: quirks.devGenres, apiUrl };
      const artists = ids.map((id) => {
        const truth = catalogue.byId(id);
        return truth === undefined ? null : artistObject(truth, shape);
      });
      return json(200, { artists });
    }
    return apiError(404, 'Service not found');
  };

  const renderFault = (fault: Fault): SimResponse => {
    const status = fault.kind === 'api-error' ? 503 : (fault.status ?? 500);
    const messages: Record<number, string> = { 500: 'Server error', 502: 'Bad gateway', 503: 'Service unavailable' };
    return apiError(status, messages[status] ?? 'Server error');
  };

  const common = { log, faults, renderFault, now, host: options.host } as const;
  const apiServer = await startHttpServer({ ...common, provider: 'spotify', handler: api, port: options.port });
  const accountsServer = await startHttpServer({ ...common, provider: 'spotify', handler: token });
  apiUrl = `${apiServer.url}/v1`;

  return {
    url: apiServer.url,
    apiUrl,
    accountsUrl: accountsServer.url,
    close: async () => {
      await Promise.all([apiServer.close(), accountsServer.close()]);
    },
    log,
    faults,
    library,
    clientId,
    clientSecret,
    get quirks() {
      return quirks;
    },
    setQuirks(update: Partial<SpotifyQuirks>) {
      quirks = { ...quirks, ...update };
      if ('rateLimit' in update) rolling.setRule(quirks.rateLimit);
      if ('dailyQuota' in update) quota.setRule(quirks.dailyQuota);
    },
    expireTokens() {
      for (const grant of tokens.values()) grant.expiresAt = Math.min(grant.expiresAt, now());
    },
    get tokensIssued() {
      return issued;
    },
  };
}
