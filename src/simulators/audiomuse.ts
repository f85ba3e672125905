// AudioMuse-AI's external API (app_external.py, app_sync.py, app_auth.py, 2026):
// `GET /external/get_score?id=<Plex ratingKey>[&server=…]` returns the track's `score` row as Flask's jsonify
// writes it (sorted keys; mood_vector and other_features as encoded strings), and `GET /api/sync`
// (audiomuse-sync.ts) exports the analysis library in bulk. With API_TOKEN set, callers send
// `Authorization: Bearer`; without it a non-/api/ path is redirected to /login, as the real auth barrier does.
import { AudioMuseAnalysis, encodeFeatures, type AnalysisOptions, type AudioMuseServer } from './audiomuse-analysis.ts';
import { createSyncHandler, flaskJson } from './audiomuse-sync.ts';
import { FaultInjector, type Fault } from './faults.ts';
import { bearerToken, startHttpServer, text, type SimRequest, type SimResponse } from './http.ts';
import { createLibrary, type AudioMuseTruth, type SyntheticTrack } from './library.ts';
import { RequestLog } from './request-log.ts';
import type { SimulatorBaseOptions, SimulatorHandle } from './simulator-types.ts';

export { analysisFingerprint, type AudioMuseServer } from './audiomuse-analysis.ts';

export interface AudioMuseSimulatorOptions extends SimulatorBaseOptions {
  /** AudioMuse's API_TOKEN. Default a fixed token; `null` runs with authentication off (AUTH_ENABLED=false). */
  token?: string | null;
  /**
   * Media servers the optional `server` parameter may name (by display name or id). Default one Plex server
   * that is the Plex simulator. A server with a `shift` holds the same songs under other ratingKeys.
   */
  servers?: AudioMuseServer[];
  /** false: a version from before `GET /api/sync` (2026-05), which answers it with Flask's 404 page. */
  syncApi?: boolean;
  /** Progressive analysis: how much of the library is still waiting for AudioMuse's workers. */
  analysis?: AnalysisOptions;
}

export interface AudioMuseSimulator extends SimulatorHandle {
  token: string | null;
  servers: readonly AudioMuseServer[];
  /** What this AudioMuse has analysed; `analyse` and `reanalyse` move it on, as its workers would. */
  analysis: AudioMuseAnalysis;
  setToken(token: string | null): void;
}

const GUNICORN_REQUEST_LINE_LIMIT = 4094;

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

function searchText(track: SyntheticTrack): string {
  return `${track.title} ${track.artistName} ${track.albumTitle}`
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase();
}

function scoreRow(requestedId: string, track: SyntheticTrack, features: AudioMuseTruth): Record<string, unknown> {
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
  const servers = options.servers ?? [{ id: 'plex-main', name: 'Plex', default: true }];
  const analysis = new AudioMuseAnalysis(library, servers, options.analysis);
  const sync = createSyncHandler(library, analysis);
  const syncApi = options.syncApi ?? true;

  const authorised = (request: SimRequest): boolean => token === null || bearerToken(request.headers) === token;

  const getScore = (request: SimRequest): SimResponse => {
    const rawId = request.query.get('id');
    if (rawId === null || rawId === '')
      return { ...flaskJson(400, { error: "Missing 'id' parameter" }), note: 'missing-parameter' };
    const requested = request.query.get('server') ?? request.query.get('server_id');
    const server = analysis.resolveServer(requested);
    if (server === undefined) return flaskJson(400, { error: `Unknown server '${requested ?? ''}'` });
    const index = analysis.trackIndexOf(rawId, server);
    const features = index === undefined ? null : analysis.features(index);
    if (index === undefined || features === null) {
      return { ...flaskJson(404, { error: `Score not found for id: ${rawId}` }), note: 'not-found' };
    }
    return flaskJson(200, scoreRow(rawId, library.track(index), features));
  };

  const handler = (request: SimRequest): SimResponse => {
    // AudioMuse runs behind gunicorn (deployment/supervisord.conf) with its default --limit-request-line of
    // 4094 bytes: a longer request line never reaches Flask. This bounds how many ids one ?ids= call can carry.
    const requestLine = `${request.method} ${request.target} HTTP/1.1`.length;
    if (requestLine > GUNICORN_REQUEST_LINE_LIMIT) {
      return {
        ...text(
          400,
          `<html><head><title>Bad Request</title></head><body><h1><p>Bad Request</p></h1>Request Line is too large (${requestLine} &gt; ${GUNICORN_REQUEST_LINE_LIMIT})</body></html>`,
          'text/html',
        ),
        note: 'request-line-too-large',
      };
    }
    if (request.path.startsWith('/static/') || request.path === '/api/health') return flaskJson(200, { status: 'ok' });
    if (request.path === '/login') return text(200, LOGIN_PAGE, 'text/html; charset=utf-8');
    if (!authorised(request)) {
      // app_auth.check_auth_needed: /api/ paths get a JSON 401, everything else a redirect to the login page.
      return request.path.startsWith('/api/')
        ? { ...flaskJson(401, { error: 'Unauthorized' }), note: 'unauthorised' }
        : redirectToLogin();
    }
    if (request.path === '/external/get_score') {
      if (request.method !== 'GET') return text(405, 'Method Not Allowed', 'text/html; charset=utf-8');
      return getScore(request);
    }
    if (request.path === '/api/sync' && syncApi) {
      if (request.method !== 'GET') return text(405, 'Method Not Allowed', 'text/html; charset=utf-8');
      return sync(request);
    }
    return { ...text(404, FLASK_NOT_FOUND, 'text/html; charset=utf-8'), note: 'not-found' };
  };

  const renderFault = (fault: Fault): SimResponse => {
    const status = fault.kind === 'api-error' ? 503 : (fault.status ?? 500);
    return flaskJson(status, { error: status === 503 ? 'Service unavailable' : 'An internal error occurred.' });
  };

  const server = await startHttpServer({
    provider: 'audiomuse',
    handler,
    log,
    faults,
    renderFault,
    now,
    host: options.host,
    port: options.port,
  });

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
    analysis,
    setToken(next: string | null) {
      token = next;
    },
  };
}
