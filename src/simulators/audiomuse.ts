// AudioMuse-AI's external API (providers.md §4.4; app_external.py, app_auth.py @ b01ba093):
// `GET /external/get_score?id=<Plex ratingKey>[&server=…]` returns the track's `score` row as Flask's jsonify
// writes it (sorted keys; mood_vector and other_features as encoded strings). With API_TOKEN set, callers send
// `Authorization: Bearer`; without it a non-/api/ path is redirected to /login, as the real auth barrier does.
import { FaultInjector, type Fault } from './faults.ts';
import { bearerToken, startHttpServer, text, type SimRequest, type SimResponse } from './http.ts';
import { createLibrary, type AudioMuseTruth, type SyntheticTrack } from './library.ts';
import { RequestLog } from './request-log.ts';
import type { SimulatorBaseOptions, SimulatorHandle } from './simulator-types.ts';

export interface AudioMuseServer {
  id: string;
  name: string;
}

export interface AudioMuseSimulatorOptions extends SimulatorBaseOptions {
  /** AudioMuse's API_TOKEN. Default a fixed token; `null` runs with authentication off (AUTH_ENABLED=false). */
  token?: string | null;
  /** Media servers the optional `server` parameter may name (by display name or id). */
  servers?: AudioMuseServer[];
}

export interface AudioMuseSimulator extends SimulatorHandle {
  token: string | null;
  servers: readonly AudioMuseServer[];
  setToken(token: string | null): void;
}

export const DEFAULT_AUDIOMUSE_TOKEN = 'audiomuse-simulator-token';

const FLASK_NOT_FOUND =
  '<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n';

const LOGIN_PAGE =
  '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>Login - AudioMuse-AI</title></head>\n<body><form method="post" action="/auth"><input name="user"><input name="password" type="password"><button>Login</button></form></body>\n</html>\n';

function redirectToLogin(): SimResponse {
  return {
    status: 302,
    headers: { 'Content-Type': 'text/html; charset=utf-8', Location: '/login' },
    body: '<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n<h1>Redirecting...</h1>\n<p>You should be redirected automatically to the target URL: <a href="/login">/login</a>. If not, click the link.\n',
    note: 'unauthorised',
  };
}

/** Flask's jsonify: keys sorted, compact, a trailing newline; datetimes as RFC 822 dates. */
function flaskJson(status: number, value: Record<string, unknown>): SimResponse {
  const sorted = Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { status, headers: { 'Content-Type': 'application/json' }, body: `${JSON.stringify(sorted)}\n` };
}

/** database.py: `",".join(f"{k}:{v:.3f}")`; song.py other features: `{v:.2f}` in fixed label order. */
export function encodeFeatures(entries: ReadonlyArray<readonly [string, number]>, places: number): string {
  return entries.map(([label, score]) => `${label}:${score.toFixed(places)}`).join(',');
}

function searchText(track: SyntheticTrack): string {
  return `${track.title} ${track.artistName} ${track.albumTitle}`.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

export function scoreRow(requestedId: string, track: SyntheticTrack, features: AudioMuseTruth): Record<string, unknown> {
  return {
    item_id: requestedId,
    title: track.title,
    author: track.artistName,
    album: track.albumTitle,
    album_artist: track.artistName,
    tempo: features.tempo,
    key: features.key,
    scale: features.scale,
    mood_vector: encodeFeatures(features.moods, 3),
    energy: features.energy,
    other_features: encodeFeatures(features.otherFeatures, 2),
    year: track.year,
    rating: track.userRating === undefined ? null : Math.round(track.userRating / 2),
    duration: track.durationMs / 1000,
    // Legacy column, being moved to track_server_map.
    file_path: null,
    created_at: new Date(features.analysedAt * 1000).toUTCString(),
    search_u: searchText(track),
  };
}

export async function startAudioMuseSimulator(options: AudioMuseSimulatorOptions = {}): Promise<AudioMuseSimulator> {
  const library = options.library ?? createLibrary();
  const log = options.log ?? new RequestLog();
  const faults = new FaultInjector(options.faults);
  const now = options.now ?? Date.now;
  let token = options.token === undefined ? DEFAULT_AUDIOMUSE_TOKEN : options.token;
  const servers = options.servers ?? [{ id: 'plex-main', name: 'Plex' }];

  const authorised = (request: SimRequest): boolean => token === null || bearerToken(request.headers) === token;

  const getScore = (request: SimRequest): SimResponse => {
    const rawId = request.query.get('id');
    if (rawId === null || rawId === '') return { ...flaskJson(400, { error: "Missing 'id' parameter" }), note: 'missing-parameter' };
    const server = request.query.get('server') ?? request.query.get('server_id');
    if (server !== null && server !== '' && !servers.some((known) => known.id === server || known.name === server)) {
      return flaskJson(400, { error: `Unknown server '${server}'` });
    }
    const found = library.byRatingKey(rawId);
    const features = found?.kind === 'track' ? library.audioFeatures(found.item.index) : null;
    if (found?.kind !== 'track' || features === null) {
      return { ...flaskJson(404, { error: `Score not found for id: ${rawId}` }), note: 'not-found' };
    }
    return flaskJson(200, scoreRow(rawId, found.item, features));
  };

  const handler = (request: SimRequest): SimResponse => {
    if (request.path.startsWith('/static/') || request.path === '/api/health') return flaskJson(200, { status: 'ok' });
    if (request.path === '/login') return text(200, LOGIN_PAGE, 'text/html; charset=utf-8');
    if (!authorised(request)) {
      // app_auth.check_auth_needed: /api/ paths get a JSON 401, everything else a redirect to the login page.
      return request.path.startsWith('/api/') ? { ...flaskJson(401, { error: 'Unauthorized' }), note: 'unauthorised' } : redirectToLogin();
    }
    if (request.path === '/external/get_score') {
      if (request.method !== 'GET') return text(405, 'Method Not Allowed', 'text/html; charset=utf-8');
      return getScore(request);
    }
    return { ...text(404, FLASK_NOT_FOUND, 'text/html; charset=utf-8'), note: 'not-found' };
  };

  const renderFault = (fault: Fault): SimResponse => {
    const status = fault.kind === 'api-error' ? 503 : (fault.status ?? 500);
    return flaskJson(status, { error: status === 503 ? 'Service unavailable' : 'An internal error occurred.' });
  };

  const server = await startHttpServer({ provider: 'audiomuse', handler, log, faults, renderFault, now, host: options.host, port: options.port });

  return {
    url: server.url,
    close: server.close,
    log,
    faults,
    library,
    get token() {
      return token;
    },
    servers,
    setToken(next: string | null) {
      token = next;
    },
  };
}

