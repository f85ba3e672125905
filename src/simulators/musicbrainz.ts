// The MusicBrainz web service, version 2 (and release groups browsed by artist,
// `/ws/2/release-group?artist={mbid}&fmt=json`): `/ws/2/artist/{mbid}?inc=genres&fmt=json`
// and `/ws/2/artist?query=…&fmt=json`, a User-Agent required (403 without one), and one request per second
// per client, excess refused with 503 and X-RateLimit-* headers (no Retry-After) as the real rate limiter does.
import { FaultInjector, type Fault } from './faults.ts';
import { json, startHttpServer, text, type SimRequest, type SimResponse } from './http.ts';
import { createLibrary, type MusicBrainzArtistTruth } from './library.ts';
import {
  RATE_LIMIT_MESSAGE,
  artistLookupJson,
  artistLookupXml,
  errorJson,
  errorXml,
  queryName,
  searchHitJson,
  searchXml,
  type Format,
  type Includes,
} from './musicbrainz-render.ts';
import { foldKey, nearMissNames } from './names.ts';
import { rngFor, uuidFor } from './random.ts';
import { PROVIDER_RATE_LIMITS, SlidingWindowLimiter, type RateLimitRule } from './rate-limit.ts';
import { RequestLog } from './request-log.ts';
import type { SimulatorBaseOptions, SimulatorHandle } from './simulator-types.ts';

export interface MusicBrainzQuirks {
  /** Per-IP limit; undefined turns it off. Default 1 request per second (25 ms tolerance for jitter). */
  rateLimit?: RateLimitRule;
  /** No User-Agent, or a generic library one, is refused with 403. Default true. */
  requireUserAgent: boolean;
  /** User-Agents treated as missing: the defaults of HTTP libraries (Node's fetch sends `node`). */
  blockedUserAgents: RegExp;
  /** Send Retry-After with the 503 (not seen from the real service). Default false. */
  retryAfterOn503: boolean;
  /**
   * Send X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset (a Unix time in seconds) with the
   * 503, as the real rate limiter does. Default true.
   */
  rateLimitHeaders: boolean;
  /**
   * Every artist of the library has a namesake: another artist of exactly the same name (as MusicBrainz
   * has two Nirvanas), with other genres and other release groups. Default false.
   */
  namesakes: boolean;
}

export interface MusicBrainzSimulatorOptions extends SimulatorBaseOptions {
  quirks?: Partial<MusicBrainzQuirks>;
}

export interface MusicBrainzSimulator extends SimulatorHandle {
  /** The web service root, ending in `/ws/2` (MUSICBRAINZ_URL). */
  apiUrl: string;
  readonly quirks: Readonly<MusicBrainzQuirks>;
  setQuirks(quirks: Partial<MusicBrainzQuirks>): void;
}

const GENERIC_USER_AGENTS =
  /^(?:node|undici|node-fetch(?:\/\S*)?(?: .*)?|axios\/\S+|got(?: .*)?|python-requests\/\S+|python-urllib\/\S+|Go-http-client\/\S+|Java\/\S+|okhttp\/\S+|curl\/\S+)$/i;

const MBID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The artist `inc` values the web service accepts; anything else is a 400. */
const ARTIST_INCS = new Set([
  'recordings',
  'releases',
  'release-groups',
  'works',
  'aliases',
  'annotation',
  'tags',
  'ratings',
  'genres',
  'user-tags',
  'user-genres',
  'user-ratings',
  'various-artists',
  'discids',
  'media',
  'isrcs',
  'area-rels',
  'artist-rels',
  'event-rels',
  'instrument-rels',
  'label-rels',
  'place-rels',
  'recording-rels',
  'release-rels',
  'release-group-rels',
  'series-rels',
  'url-rels',
  'work-rels',
]);
const AUTHENTICATED_INCS = new Set(['user-tags', 'user-genres', 'user-ratings']);

const UNAUTHORIZED =
  "Your credentials could not be verified. Either you supplied the wrong credentials (e.g., bad password), or your client doesn't understand how to supply the credentials required.";
const FORBIDDEN = 'You are not authorized to access this resource.';

export async function startMusicBrainzSimulator(
  options: MusicBrainzSimulatorOptions = {},
): Promise<MusicBrainzSimulator> {
  const library = options.library ?? createLibrary();
  const log = options.log ?? new RequestLog();
  const faults = new FaultInjector(options.faults);
  const now = options.now ?? Date.now;
  let quirks: MusicBrainzQuirks = {
    rateLimit: PROVIDER_RATE_LIMITS.musicbrainz,
    requireUserAgent: true,
    blockedUserAgents: GENERIC_USER_AGENTS,
    retryAfterOn503: false,
    rateLimitHeaders: true,
    namesakes: false,
    ...options.quirks,
  };
  const limiter = new SlidingWindowLimiter(quirks.rateLimit, now);
  const decoys = new Map<string, MusicBrainzArtistTruth>();

  const formatOf = (request: SimRequest): Format => {
    if (request.query.get('fmt') === 'json') return 'json';
    const accept = request.headers.accept;
    return typeof accept === 'string' && /application\/json/i.test(accept) ? 'json' : 'xml';
  };

  const failure = (
    format: Format,
    status: number,
    message: string,
    note?: string,
    headers: Record<string, string | number> = {},
  ): SimResponse => {
    const response =
      format === 'json'
        ? json(status, errorJson(message), headers)
        : text(status, errorXml(message), 'application/xml; charset=utf-8', headers);
    if (note !== undefined) response.note = note;
    return response;
  };

  const artistById = (mbid: string): MusicBrainzArtistTruth | undefined => {
    const index = library.index().musicbrainzById.get(mbid.toLowerCase());
    if (index !== undefined) return library.artist(index).musicbrainz ?? undefined;
    return decoys.get(mbid.toLowerCase()) ?? namesakes.get(mbid.toLowerCase());
  };

  const lookup = (request: SimRequest, format: Format, mbid: string): SimResponse => {
    if (!MBID.test(mbid)) return failure(format, 400, 'Invalid mbid.', 'invalid-mbid');
    // `inc=genres+tags` arrives as "genres tags" once decoded: MusicBrainz splits on both.
    const incs = (request.query.get('inc') ?? '').split(/[\s+]+/).filter((inc) => inc !== '');
    const invalid = incs.find((inc) => !ARTIST_INCS.has(inc));
    if (invalid !== undefined)
      return failure(format, 400, `${invalid} is not a valid inc parameter for the artist resource.`);
    if (incs.some((inc) => AUTHENTICATED_INCS.has(inc))) return failure(format, 401, UNAUTHORIZED, 'unauthorised');
    const artist = artistById(mbid);
    if (artist === undefined) return failure(format, 404, 'Not Found', 'not-found');
    const includes: Includes = { genres: incs.includes('genres'), tags: incs.includes('tags') };
    return format === 'json'
      ? json(200, artistLookupJson(artist, includes))
      : text(200, artistLookupXml(artist, includes), 'application/xml; charset=utf-8');
  };

  const namesakes = new Map<string, MusicBrainzArtistTruth>();
  const namesakeOf = (artist: MusicBrainzArtistTruth): MusicBrainzArtistTruth => {
    const rng = rngFor(library.seed, 'musicbrainz-namesake', artist.id);
    const namesake: MusicBrainzArtistTruth = {
      ...artist,
      id: uuidFor(library.seed, 'musicbrainz-namesake-id', artist.id),
      country: rng.pick(['US', 'GB', 'DE', 'SE', 'FR'].filter((code) => code !== artist.country)),
      disambiguation: `${rng.pick(['1960s', '1990s', 'Swedish', 'Welsh'])} band`,
      beginYear: rng.int(1960, 2020),
      genres: [{ id: uuidFor('musicbrainz-genre', 'polka'), name: 'polka', count: 3 }],
      tags: [],
    };
    namesakes.set(namesake.id, namesake);
    return namesake;
  };

  /** Release groups of an artist: a library artist's albums, made-up titles for a namesake or a decoy. */
  const releaseGroupsOf = (mbid: string): Array<{ id: string; title: string; year: number }> => {
    const index = library.index().musicbrainzById.get(mbid);
    if (index !== undefined) {
      return library.albumsOf(index).map((album) => ({
        id: uuidFor(library.seed, 'release-group', album.ratingKey),
        title: album.title,
        year: album.year,
      }));
    }
    const rng = rngFor(library.seed, 'musicbrainz-release-groups', mbid);
    return Array.from({ length: rng.int(1, 4) }, (_, n) => ({
      id: uuidFor(library.seed, 'release-group', mbid, n),
      title: `${rng.pick(['Live at', 'Songs from', 'Return to', 'Letters from'])} ${rng.pick(['Leeds', 'the Valley', 'Nowhere', 'Harbour Street'])}`,
      year: rng.int(1965, 2024),
    }));
  };

  const browseReleaseGroups = (request: SimRequest, format: Format): SimResponse => {
    const mbid = (request.query.get('artist') ?? '').toLowerCase();
    if (!MBID.test(mbid)) return failure(format, 400, 'Invalid mbid.', 'invalid-mbid');
    if (artistById(mbid) === undefined) return failure(format, 404, 'Not Found', 'not-found');
    const limitParam = Number(request.query.get('limit') ?? 25);
    const limit = Number.isInteger(limitParam) ? Math.min(100, Math.max(1, limitParam)) : 25;
    const offsetParam = Number(request.query.get('offset') ?? 0);
    const offset = Number.isInteger(offsetParam) && offsetParam > 0 ? offsetParam : 0;
    const groups = releaseGroupsOf(mbid);
    return json(200, {
      'release-group-offset': offset,
      'release-group-count': groups.length,
      'release-groups': groups.slice(offset, offset + limit).map((group) => ({
        id: group.id,
        title: group.title,
        'primary-type': 'Album',
        'primary-type-id': 'f529b476-6e62-324f-b0aa-1f3e33d313fc',
        'secondary-types': [],
        'secondary-type-ids': [],
        'first-release-date': String(group.year),
        disambiguation: '',
      })),
    });
  };

  const decoy = (name: string): MusicBrainzArtistTruth => {
    const key = foldKey(name);
    const rng = rngFor(library.seed, 'musicbrainz-decoy', key);
    const artist: MusicBrainzArtistTruth = {
      id: uuidFor(library.seed, 'musicbrainz-decoy-id', key),
      name,
      sortName: name,
      type: rng.chance(0.7) ? 'Group' : 'Person',
      country: rng.pick(['US', 'GB', 'DE', 'SE', 'FR']),
      disambiguation: '',
      beginYear: rng.int(1960, 2020),
      genres: [],
      tags: [],
    };
    decoys.set(artist.id, artist);
    return artist;
  };

  const search = (request: SimRequest, format: Format): SimResponse => {
    const query = request.query.get('query');
    if (query === null || query.trim() === '') return failure(format, 400, 'You must specify a search query.');
    const limitParam = Number(request.query.get('limit') ?? 25);
    const limit = Number.isInteger(limitParam) ? Math.min(100, Math.max(1, limitParam)) : 25;
    const offsetParam = Number(request.query.get('offset') ?? 0);
    const offset = Number.isInteger(offsetParam) && offsetParam > 0 ? offsetParam : 0;
    const name = queryName(query);
    const key = foldKey(name);
    const exact = (library.index().musicbrainzByFold.get(key) ?? []).flatMap((index) => {
      const truth = library.artist(index).musicbrainz;
      if (truth === null) return [];
      // A namesake scores as high as the artist asked for: only other evidence tells them apart.
      return quirks.namesakes
        ? [
            { artist: namesakeOf(truth), score: 100 },
            { artist: truth, score: 100 },
          ]
        : [{ artist: truth, score: 100 }];
    });
    const rng = rngFor(library.seed, 'musicbrainz-near-miss', key);
    let score = 100;
    const near =
      key === ''
        ? []
        : nearMissNames(name, rng).map((candidate) => {
            score = Math.max(20, score - rng.int(8, 25));
            const real = library.index().musicbrainzByFold.get(foldKey(candidate))?.[0];
            const truth = real === undefined ? null : library.artist(real).musicbrainz;
            return { artist: truth ?? decoy(candidate), score };
          });
    const hits = [...exact, ...near];
    const page = hits.slice(offset, offset + limit);
    const created = new Date(now()).toISOString().replace(/\.\d{3}Z$/, '.000Z');
    if (format === 'xml')
      return text(200, searchXml(page, hits.length, offset, created), 'application/xml; charset=utf-8');
    return json(200, {
      created,
      count: hits.length,
      offset,
      artists: page.map((hit) => searchHitJson(hit.artist, hit.score)),
    });
  };

  const handler = (request: SimRequest): SimResponse => {
    const format = formatOf(request);
    const agent = request.headers['user-agent'];
    if (
      quirks.requireUserAgent &&
      (agent === undefined || agent.trim() === '' || quirks.blockedUserAgents.test(agent.trim()))
    ) {
      return failure(format, 403, FORBIDDEN, 'no-user-agent');
    }
    const decision = limiter.tryAcquire(request.remoteAddress);
    if (!decision.allowed) {
      const headers: Record<string, string | number> = {};
      if (quirks.retryAfterOn503) headers['Retry-After'] = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
      if (quirks.rateLimitHeaders) {
        headers['X-RateLimit-Limit'] = quirks.rateLimit?.limit ?? 1;
        headers['X-RateLimit-Remaining'] = 0;
        // Whole seconds, rounded up: the window is open at that instant.
        headers['X-RateLimit-Reset'] = Math.ceil((now() + decision.retryAfterMs) / 1000);
        // The reset is read against the Date header when clocks disagree: both on the simulator's clock.
        headers['Date'] = new Date(now()).toUTCString();
      }
      return failure(format, 503, RATE_LIMIT_MESSAGE, 'rate-limited', headers);
    }
    if (request.method !== 'GET') return failure(format, 405, 'Method not allowed');
    const path = request.path.replace(/\/+$/, '');
    if (path === '/ws/2/artist') return search(request, format);
    if (path === '/ws/2/release-group') return browseReleaseGroups(request, format);
    const lookupMatch = /^\/ws\/2\/artist\/([^/]+)$/.exec(path);
    if (lookupMatch?.[1] !== undefined) return lookup(request, format, lookupMatch[1]);
    return failure(format, 404, 'Not Found', 'not-found');
  };

  const renderFault = (fault: Fault): SimResponse => {
    const status = fault.kind === 'api-error' ? 503 : (fault.status ?? 500);
    const phrases: Record<number, string> = {
      500: 'Internal Server Error',
      502: 'Bad Gateway',
      503: 'Service Temporarily Unavailable',
      504: 'Gateway Time-out',
    };
    const title = `${status} ${phrases[status] ?? 'Error'}`;
    // The front end (openresty) answers these, in HTML, whatever format was asked for.
    return text(
      status,
      `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>openresty</center>\r\n</body>\r\n</html>\r\n`,
      'text/html',
    );
  };

  const server = await startHttpServer({
    provider: 'musicbrainz',
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
    apiUrl: `${server.url}/ws/2`,
    close: server.close,
    log,
    faults,
    library,
    get quirks() {
      return quirks;
    },
    setQuirks(update: Partial<MusicBrainzQuirks>) {
      quirks = { ...quirks, ...update };
      if ('rateLimit' in update) limiter.setRule(quirks.rateLimit);
    },
  };
}
