// Last.fm API 2.0: one endpoint, `/2.0/`, dispatching on `method` (artist.getTopTags,
// album.getTopTags, artist.getInfo), `api_key` checked, JSON only with `format=json` (XML otherwise),
// errors as JSON with a code, most of them inside HTTP 200, autocorrect, and 5 requests/s per IP.
import { FaultInjector, type Fault } from './faults.ts';
import { json, startHttpServer, text, type SimRequest, type SimResponse } from './http.ts';
import {
  ALBUM_NOT_FOUND,
  ARTIST_NOT_FOUND,
  errorBody,
  lastfmPath,
  tagUrl,
  topTagsBody,
  xmlDocument,
  type EmptyTags,
  type JsonValue,
} from './lastfm-render.ts';
import { createLibrary, type LastfmArtistTruth, type SyntheticArtist } from './library.ts';
import { caseKey } from './names.ts';
import { combine } from './random.ts';
import { PROVIDER_RATE_LIMITS, SlidingWindowLimiter, type RateLimitRule } from './rate-limit.ts';
import { RequestLog } from './request-log.ts';
import type { SimulatorBaseOptions, SimulatorHandle } from './simulator-types.ts';

export interface LastfmQuirks {
  /** A one-tag list comes back as an object, not an array (XML→JSON collapse). Default true. */
  singleTagAsObject: boolean;
  /** How an empty tag list looks: `tag: []` (default, lastfm-docs bugs.md), `tag: ""`, or no `tag` key. */
  emptyTags: EmptyTags;
  /** HTTP status sent with error 29: 429 (lastfm-docs codes.md, the default) or 200 (handle both). */
  rateLimitStatus: 200 | 429;
  /** Per-IP limit; undefined turns it off. Default 5 requests in any 1 s. */
  rateLimit?: RateLimitRule;
  /** Every request gets error 26 (suspended key, HTTP 403). */
  suspended: boolean;
  /** Some lookups by `mbid` answer with a different artist ("data for the wrong entity"). Default true. */
  mbidMismatch: boolean;
}

export interface LastfmSimulatorOptions extends SimulatorBaseOptions {
  apiKey?: string;
  quirks?: Partial<LastfmQuirks>;
}

export interface LastfmSimulator extends SimulatorHandle {
  /** The full endpoint, `…/2.0/` (LASTFM_API_URL). */
  apiUrl: string;
  apiKey: string;
  readonly quirks: Readonly<LastfmQuirks>;
  setQuirks(quirks: Partial<LastfmQuirks>): void;
}

const DEFAULT_LASTFM_API_KEY = '0123456789abcdef0123456789abcdef';

type Resolution =
  | { kind: 'found'; artist: SyntheticArtist; lastfm: LastfmArtistTruth }
  /** A spelling Last.fm files as a separate, untagged artist: only autocorrect leads to the real one. */
  | { kind: 'ghost'; name: string }
  | { kind: 'unknown' };

type Body = { [key: string]: JsonValue };

interface Answer {
  status: number;
  body: Body;
  note?: string;
}

export async function startLastfmSimulator(options: LastfmSimulatorOptions = {}): Promise<LastfmSimulator> {
  const library = options.library ?? createLibrary();
  const log = options.log ?? new RequestLog();
  const faults = new FaultInjector(options.faults);
  const now = options.now ?? Date.now;
  const apiKey = options.apiKey ?? DEFAULT_LASTFM_API_KEY;
  let quirks: LastfmQuirks = {
    singleTagAsObject: true,
    emptyTags: 'array',
    rateLimitStatus: 429,
    rateLimit: PROVIDER_RATE_LIMITS.lastfm,
    suspended: false,
    mbidMismatch: true,
    ...options.quirks,
  };
  const limiter = new SlidingWindowLimiter(quirks.rateLimit, now);

  const artistWithLastfm = (index: number): { artist: SyntheticArtist; lastfm: LastfmArtistTruth } | undefined => {
    const artist = library.artist(index);
    return artist.lastfm === null ? undefined : { artist, lastfm: artist.lastfm };
  };

  const resolveByMbid = (mbid: string): Resolution => {
    const index = library.index().lastfmByMbid.get(mbid);
    if (index === undefined) return { kind: 'unknown' };
    if (quirks.mbidMismatch && combine(mbid) % 10 === 0) {
      // Last.fm resolves some ids to someone else: the next artist it knows.
      for (let step = 1; step < library.artistCount; step++) {
        const other = artistWithLastfm((index + step) % library.artistCount);
        if (other !== undefined) return { kind: 'found', ...other };
      }
    }
    const found = artistWithLastfm(index);
    return found === undefined ? { kind: 'unknown' } : { kind: 'found', ...found };
  };

  const resolveByName = (name: string, autocorrect: boolean): Resolution => {
    const index = library.index();
    const key = caseKey(name);
    const canonical = index.lastfmByName.get(key);
    if (canonical !== undefined) {
      const found = artistWithLastfm(canonical);
      if (found !== undefined) return { kind: 'found', ...found };
    }
    const corrected = index.lastfmByCorrection.get(key);
    if (corrected !== undefined) {
      if (!autocorrect) return { kind: 'ghost', name };
      const found = artistWithLastfm(corrected);
      if (found !== undefined) return { kind: 'found', ...found };
    }
    return { kind: 'unknown' };
  };

  const resolve = (params: URLSearchParams): Resolution | 'missing' => {
    const mbid = params.get('mbid');
    if (mbid !== null && mbid !== '') return resolveByMbid(mbid);
    const name = params.get('artist');
    if (name === null || name.trim() === '') return 'missing';
    return resolveByName(name, params.get('autocorrect') === '1');
  };

  const shape = () => ({ singleTagAsObject: quirks.singleTagAsObject, emptyTags: quirks.emptyTags });

  const artistTopTags = (params: URLSearchParams): Answer => {
    const resolution = resolve(params);
    if (resolution === 'missing') return { status: 200, body: errorBody(6), note: 'missing-parameter' };
    if (resolution.kind === 'unknown') return { status: 200, body: errorBody(6, ARTIST_NOT_FOUND), note: 'not-found' };
    if (resolution.kind === 'ghost')
      return { status: 200, body: topTagsBody([], { artist: resolution.name }, shape()), note: 'ghost' };
    return { status: 200, body: topTagsBody(resolution.lastfm.tags, { artist: resolution.lastfm.name }, shape()) };
  };

  const albumTopTags = (params: URLSearchParams): Answer => {
    const mbid = params.get('mbid');
    const albumName = params.get('album');
    if ((mbid === null || mbid === '') && (albumName === null || albumName.trim() === '' || !params.get('artist'))) {
      return { status: 200, body: errorBody(6), note: 'missing-parameter' };
    }
    // Album mbids are not something the simulated Last.fm knows; the real one often does not either.
    if (mbid !== null && mbid !== '') return { status: 200, body: errorBody(6, ALBUM_NOT_FOUND), note: 'not-found' };
    const artistName = params.get('artist') ?? '';
    const resolution = resolveByName(artistName, params.get('autocorrect') === '1');
    if (resolution.kind !== 'found') return { status: 200, body: errorBody(6, ALBUM_NOT_FOUND), note: 'not-found' };
    const key = caseKey(albumName ?? '');
    const album = library
      .albumsOf(resolution.artist.index)
      .find((candidate) => candidate.lastfm !== null && caseKey(candidate.lastfm.name) === key);
    if (album === undefined || album.lastfm === null)
      return { status: 200, body: errorBody(6, ALBUM_NOT_FOUND), note: 'not-found' };
    return {
      status: 200,
      body: topTagsBody(album.lastfm.tags, { artist: resolution.lastfm.name, album: album.lastfm.name }, shape()),
    };
  };

  const image = (name: string): JsonValue[] =>
    ['small', 'medium', 'large', 'extralarge', 'mega', ''].map((size) => ({
      '#text': `https://lastfm.freetls.fastly.net/i/u/${size === '' ? 'arQ' : size}/${lastfmPath(name)}.png`,
      size,
    }));

  const artistInfo = (params: URLSearchParams): Answer => {
    const resolution = resolve(params);
    if (resolution === 'missing') return { status: 200, body: errorBody(6), note: 'missing-parameter' };
    // getInfo differs from getTopTags: an unknown artist is an HTTP 404.
    if (resolution.kind === 'unknown') return { status: 404, body: errorBody(6, ARTIST_NOT_FOUND), note: 'not-found' };
    const name = resolution.kind === 'found' ? resolution.lastfm.name : resolution.name;
    const truth = resolution.kind === 'found' ? resolution.lastfm : undefined;
    const similar: JsonValue[] = [];
    if (resolution.kind === 'found') {
      for (let step = 1; step <= 5 && step < library.artistCount; step++) {
        const other = artistWithLastfm((resolution.artist.index + step) % library.artistCount);
        if (other === undefined) continue;
        const otherName = other.lastfm.name;
        similar.push({
          name: otherName,
          url: `https://www.last.fm/music/${lastfmPath(otherName)}`,
          image: image(otherName),
        });
      }
    }
    const url = `https://www.last.fm/music/${lastfmPath(name)}`;
    const artist: Body = { name };
    if (truth?.mbid !== undefined) artist['mbid'] = truth.mbid;
    Object.assign(artist, {
      url,
      image: image(name),
      streamable: '0',
      ontour: '0',
      stats: { listeners: String(truth?.listeners ?? 12), playcount: String(truth?.playcount ?? 40) },
      similar: { artist: similar },
      // getInfo's tags: at most five, and without counts.
      tags: { tag: (truth?.tags ?? []).slice(0, 5).map((tag) => ({ name: tag.name, url: tagUrl(tag.name) })) },
      bio: {
        links: { link: { '#text': '', rel: 'original', href: `${url}/+wiki` } },
        published: '09 Jan 2011, 12:41',
        summary: `${name} is a synthetic artist. <a href="${url}">Read more on Last.fm</a>`,
        content: `${name} is a synthetic artist, generated for tests. <a href="${url}">Read more on Last.fm</a>.`,
      },
    });
    return { status: 200, body: { artist } };
  };

  const dispatch = (params: URLSearchParams, remoteAddress: string): Answer => {
    const decision = limiter.tryAcquire(remoteAddress);
    if (!decision.allowed) return { status: quirks.rateLimitStatus, body: errorBody(29), note: 'rate-limited' };
    const method = (params.get('method') ?? '').toLowerCase();
    if (method === '') return { status: 200, body: errorBody(3), note: 'invalid-method' };
    const key = params.get('api_key');
    if (key !== apiKey) return { status: 403, body: errorBody(10), note: 'invalid-api-key' };
    if (quirks.suspended) return { status: 403, body: errorBody(26), note: 'suspended' };
    if (method === 'artist.gettoptags') return artistTopTags(params);
    if (method === 'album.gettoptags') return albumTopTags(params);
    if (method === 'artist.getinfo') return artistInfo(params);
    return { status: 200, body: errorBody(3), note: 'invalid-method' };
  };

  const render = (answer: Answer, params: URLSearchParams): SimResponse => {
    const response =
      params.get('format') === 'json'
        ? json(answer.status, answer.body)
        : text(answer.status, xmlDocument(answer.body), 'text/xml; charset=utf-8');
    if (answer.note !== undefined) response.note = answer.note;
    return response;
  };

  const parameters = (request: SimRequest): URLSearchParams => {
    const params = new URLSearchParams(request.query);
    if (request.method === 'POST')
      for (const [name, value] of new URLSearchParams(request.body)) params.set(name, value);
    return params;
  };

  const handler = (request: SimRequest): SimResponse => {
    if (request.path !== '/2.0/' && request.path !== '/2.0') {
      return text(404, '<html><body><h1>404 Not Found</h1></body></html>', 'text/html');
    }
    const params = parameters(request);
    return render(dispatch(params, request.remoteAddress), params);
  };

  const renderFault = (fault: Fault, request: SimRequest): SimResponse => {
    if (fault.kind === 'api-error') {
      // Transient API errors (8, 11, 16) come inside HTTP 200, like every other Last.fm error.
      const code = fault.code ?? 16;
      return render({ status: code === 29 ? quirks.rateLimitStatus : 200, body: errorBody(code) }, parameters(request));
    }
    const status = fault.status ?? 500;
    return text(
      status,
      `<html><head><title>${status}</title></head><body><h1>${status}</h1></body></html>`,
      'text/html',
    );
  };

  const server = await startHttpServer({
    provider: 'lastfm',
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
    apiUrl: `${server.url}/2.0/`,
    close: server.close,
    log,
    faults,
    library,
    apiKey,
    get quirks() {
      return quirks;
    },
    setQuirks(update: Partial<LastfmQuirks>) {
      const ruleChanged = 'rateLimit' in update;
      quirks = { ...quirks, ...update };
      if (ruleChanged) limiter.setRule(quirks.rateLimit);
    },
  };
}
