// A Plex Media Server for one music library (and an empty movie section), as a real server answers:
// X-Plex-Token auth (header or query), JSON only on `Accept: application/json`, paging by
// X-Plex-Container-Start/Size (header or query) with offset/size/totalSize, includeGuids, detail and children views.
import { createHash } from 'node:crypto';
import { FaultInjector, type Fault } from './faults.ts';
import { startHttpServer, text, type SimRequest, type SimResponse } from './http.ts';
import { createLibrary } from './library.ts';
import { renderContainer, contentType, wantsJson, type ItemsKey, type PlexFormat } from './plex-render.ts';
import { albumObject, artistObject, trackObject, type PlexObject, type PlexShapeSettings } from './plex-shapes.ts';
import { RequestLog } from './request-log.ts';
import type { SimulatorBaseOptions, SimulatorHandle } from './simulator-types.ts';
import { uuidFor } from './random.ts';

export interface PlexQuirks {
  /** List views carry at most `listGenreLimit` Genre tags and no Style or Mood; detail views have all (§1.8). Default true. */
  partialListTags: boolean;
  /** Default 2. */
  listGenreLimit: number;
  /** Silently caps every page at this size: Plex may "include a different number of items than what was requested" (§1.5). */
  maxPageSize?: number;
  /** `modern` (tv.plex.agents.music: plex:// guids, Guid[] with mbid://) or `legacy` (com.plexapp.agents.lastfm://, local://, no Guid[]) (§1.7). */
  agent: 'modern' | 'legacy';
  /** An empty page has no `Metadata` key at all (AudioMuse reads `Metadata or []`, §1.8). Default true. */
  omitEmptyMetadata: boolean;
}

export interface PlexSimulatorOptions extends SimulatorBaseOptions {
  token?: string;
  quirks?: Partial<PlexQuirks>;
}

export interface PlexSimulator extends SimulatorHandle {
  token: string;
  /** The music section's key (a string, as Plex gives it). */
  musicSectionId: string;
  readonly quirks: Readonly<PlexQuirks>;
  setQuirks(quirks: Partial<PlexQuirks>): void;
}

const DEFAULT_PLEX_TOKEN = 'plex-simulator-token';
const MUSIC_SECTION = 3;
const MOVIE_SECTION = 1;
const MEDIA_TAG_VERSION = 1730000000;
const PLEX_VERSION = '1.43.2.10156-f3fd2b5bd';

const DEFAULT_QUIRKS: PlexQuirks = {
  partialListTags: true,
  listGenreLimit: 2,
  agent: 'modern',
  omitEmptyMetadata: true,
};

const TYPE_ARTIST = 8;
const TYPE_ALBUM = 9;
const TYPE_TRACK = 10;

function htmlError(status: number, title: string): SimResponse {
  return text(
    status,
    `<html><head><title>${title}</title></head><body><h1>${status} ${title}</h1></body></html>`,
    'text/html',
  );
}

function integerOrUndefined(value: string | string[] | null | undefined): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || raw === null || !/^\d+$/.test(raw.trim())) return undefined;
  return Number(raw.trim());
}

interface Paging {
  start?: number;
  size?: number;
}

/** "all X-Plex- headers can also be sent as query string arguments" (§1.2). */
function pagingOf(request: SimRequest): Paging {
  const paging: Paging = {};
  const start =
    integerOrUndefined(request.headers['x-plex-container-start']) ??
    integerOrUndefined(request.query.get('X-Plex-Container-Start'));
  const size =
    integerOrUndefined(request.headers['x-plex-container-size']) ??
    integerOrUndefined(request.query.get('X-Plex-Container-Size'));
  if (start !== undefined) paging.start = start;
  if (size !== undefined) paging.size = size;
  return paging;
}

function tokenOf(request: SimRequest): string | undefined {
  const header = request.headers['x-plex-token'];
  if (typeof header === 'string' && header !== '') return header;
  return request.query.get('X-Plex-Token') ?? undefined;
}

export async function startPlexSimulator(options: PlexSimulatorOptions = {}): Promise<PlexSimulator> {
  const library = options.library ?? createLibrary();
  const log = options.log ?? new RequestLog();
  const faults = new FaultInjector(options.faults);
  const now = options.now ?? Date.now;
  const token = options.token ?? DEFAULT_PLEX_TOKEN;
  let quirks: PlexQuirks = { ...DEFAULT_QUIRKS, ...options.quirks };
  const machineIdentifier = createHash('sha1').update(`plex-simulator-${library.seed}`).digest('hex');
  const musicUuid = uuidFor(library.seed, 'plex-music-section');
  const movieUuid = uuidFor(library.seed, 'plex-movie-section');
  const section = { id: MUSIC_SECTION, title: 'Music', uuid: musicUuid };

  const shape = (request: SimRequest, view: 'list' | 'detail'): PlexShapeSettings => ({
    view,
    includeGuids: request.query.get('includeGuids') === '1',
    partialListTags: quirks.partialListTags,
    listGenreLimit: quirks.listGenreLimit,
    agent: quirks.agent,
    section,
  });

  const libraryFields = (): PlexObject => ({
    allowSync: true,
    art: '/:/resources/artist-fanart.jpg',
    identifier: 'com.plexapp.plugins.library',
    librarySectionID: MUSIC_SECTION,
    librarySectionTitle: 'Music',
    librarySectionUUID: musicUuid,
    mediaTagPrefix: '/system/bundle/media/flags/',
    mediaTagVersion: MEDIA_TAG_VERSION,
  });

  const respond = (
    format: PlexFormat,
    body: Iterable<string>,
    status = 200,
    headers: Record<string, string | number> = {},
  ): SimResponse => ({
    status,
    headers: { 'Content-Type': contentType(format), 'X-Plex-Protocol': '1.0', ...headers },
    body,
  });

  /** Paging exactly as §1.5 describes it, including the quirks that make clients check what they got. */
  const listing = (
    request: SimRequest,
    format: PlexFormat,
    total: number,
    fields: PlexObject,
    produce: (start: number, count: number) => Iterable<PlexObject>,
  ): SimResponse => {
    const paging = pagingOf(request);
    const limit = integerOrUndefined(request.query.get('limit'));
    const start = Math.min(paging.start ?? 0, total);
    let count = Math.max(0, Math.min(paging.size ?? total - start, total - start));
    const capped = quirks.maxPageSize !== undefined && count > quirks.maxPageSize;
    if (quirks.maxPageSize !== undefined) count = Math.min(count, quirks.maxPageSize);
    if (limit !== undefined) count = Math.min(count, limit);
    const paged = paging.start !== undefined || paging.size !== undefined || capped;
    // "limit=N caps the result, and then the total size of the collection is not returned."
    const reportTotal = paged && limit === undefined;
    const container: PlexObject = { size: count };
    const headers: Record<string, string | number> = {};
    if (reportTotal) {
      container['totalSize'] = total;
      container['offset'] = start;
      headers['X-Plex-Container-Start'] = start;
      headers['X-Plex-Container-Total-Size'] = total;
    }
    Object.assign(container, fields);
    const items = count === 0 && quirks.omitEmptyMetadata ? undefined : produce(start, count);
    return respond(format, renderContainer(format, container, 'Metadata', items), 200, headers);
  };

  function* artistItems(request: SimRequest, start: number, count: number): Generator<PlexObject> {
    const settings = shape(request, 'list');
    for (const artist of library.artists(start, count)) yield artistObject(artist, settings);
  }

  function* albumItems(request: SimRequest, start: number, count: number): Generator<PlexObject> {
    const settings = shape(request, 'list');
    for (const album of library.albums(start, count))
      yield albumObject(album, library.artist(album.artistIndex), settings);
  }

  function* trackItems(request: SimRequest, start: number, count: number): Generator<PlexObject> {
    const settings = shape(request, 'list');
    for (const track of library.tracks(start, count)) {
      yield trackObject(track, library.album(track.albumIndex), library.artist(track.artistIndex), settings);
    }
  }

  const sectionsResponse = (format: PlexFormat): SimResponse => {
    const scannedAt = library.epochSeconds - 3600;
    const legacy = quirks.agent === 'legacy';
    const directories: PlexObject[] = [
      {
        allowSync: true,
        art: '/:/resources/movie-fanart.jpg',
        composite: `/library/sections/${MOVIE_SECTION}/composite/${scannedAt}`,
        filters: true,
        refreshing: false,
        thumb: '/:/resources/movie.png',
        key: String(MOVIE_SECTION),
        type: 'movie',
        title: 'Movies',
        agent: 'tv.plex.agents.movie',
        scanner: 'Plex Movie',
        language: 'en-US',
        uuid: movieUuid,
        updatedAt: scannedAt,
        createdAt: scannedAt - 86_400 * 400,
        scannedAt,
        content: true,
        directory: true,
        contentChangedAt: 1200,
        hidden: 0,
        Location: [{ id: 1, path: '/movies' }],
      },
      {
        allowSync: true,
        art: '/:/resources/artist-fanart.jpg',
        composite: `/library/sections/${MUSIC_SECTION}/composite/${scannedAt}`,
        filters: true,
        refreshing: false,
        thumb: '/:/resources/artist.png',
        key: String(MUSIC_SECTION),
        type: 'artist',
        title: 'Music',
        agent: legacy ? 'com.plexapp.agents.lastfm' : 'tv.plex.agents.music',
        scanner: legacy ? 'Plex Music Scanner' : 'Plex Music',
        language: 'en',
        uuid: musicUuid,
        updatedAt: scannedAt,
        createdAt: scannedAt - 86_400 * 900,
        scannedAt,
        content: true,
        directory: true,
        contentChangedAt: 98_765,
        hidden: 0,
        Location: [{ id: 3, path: '/music' }],
      },
    ];
    const container: PlexObject = { size: directories.length, allowSync: false, title1: 'Plex Library' };
    return respond(format, renderContainer(format, container, 'Directory' satisfies ItemsKey, directories));
  };

  const sectionListing = (
    request: SimRequest,
    format: PlexFormat,
    sectionId: number,
    forcedType?: number,
  ): SimResponse => {
    if (sectionId === MOVIE_SECTION) {
      const movieFields: PlexObject = {
        allowSync: true,
        identifier: 'com.plexapp.plugins.library',
        librarySectionID: MOVIE_SECTION,
        librarySectionTitle: 'Movies',
        title1: 'Movies',
        viewGroup: 'movie',
      };
      return listing(request, format, 0, movieFields, () => []);
    }
    const type = forcedType ?? integerOrUndefined(request.query.get('type')) ?? TYPE_ARTIST;
    const fields = libraryFields();
    fields['nocache'] = true;
    fields['thumb'] = '/:/resources/artist.png';
    fields['title1'] = 'Music';
    if (type === TYPE_ARTIST) {
      Object.assign(fields, { title2: 'All Artists', viewGroup: 'artist', viewMode: 65592 });
      return listing(request, format, library.artistCount, fields, (start, count) =>
        artistItems(request, start, count),
      );
    }
    if (type === TYPE_ALBUM) {
      Object.assign(fields, { title2: 'All Albums', viewGroup: 'album', viewMode: 65592 });
      return listing(request, format, library.albumCount, fields, (start, count) => albumItems(request, start, count));
    }
    if (type === TYPE_TRACK) {
      Object.assign(fields, { title2: 'All Tracks', viewGroup: 'track', viewMode: 65593 });
      return listing(request, format, library.trackCount, fields, (start, count) => trackItems(request, start, count));
    }
    return listing(request, format, 0, fields, () => []);
  };

  const detail = (request: SimRequest, format: PlexFormat, keys: string[]): SimResponse => {
    const settings = shape(request, 'detail');
    const items: PlexObject[] = [];
    for (const key of keys) {
      const found = library.byRatingKey(key);
      if (found === undefined) continue;
      if (found.kind === 'artist') items.push(artistObject(found.item, settings));
      else if (found.kind === 'album')
        items.push(albumObject(found.item, library.artist(found.item.artistIndex), settings));
      else {
        const track = found.item;
        items.push(trackObject(track, library.album(track.albumIndex), library.artist(track.artistIndex), settings));
      }
    }
    if (items.length === 0) return { ...htmlError(404, 'Not Found'), note: 'not-found' };
    const container: PlexObject = { size: items.length, ...libraryFields() };
    return respond(format, renderContainer(format, container, 'Metadata', items));
  };

  const children = (request: SimRequest, format: PlexFormat, key: string): SimResponse => {
    const found = library.byRatingKey(key);
    if (found === undefined) return { ...htmlError(404, 'Not Found'), note: 'not-found' };
    if (found.kind === 'artist') {
      const artist = found.item;
      const fields: PlexObject = {
        ...libraryFields(),
        key: artist.ratingKey,
        nocache: true,
        parentIndex: 1,
        parentTitle: artist.name,
        summary: artist.plex.summary,
        thumb: `/library/metadata/${artist.ratingKey}/thumb/${artist.plex.updatedAt}`,
        title1: 'Music',
        title2: artist.name,
        viewGroup: 'album',
        viewMode: 65592,
      };
      return listing(request, format, artist.albumCount, fields, (start, count) =>
        albumItems(request, artist.firstAlbum + start, count),
      );
    }
    if (found.kind === 'album') {
      const album = found.item;
      const artist = library.artist(album.artistIndex);
      // Hoisted parent fields; grandparentRatingKey is a number here but a string on each item (§1.8).
      const fields: PlexObject = {
        ...libraryFields(),
        grandparentRatingKey: Number(artist.ratingKey),
        grandparentThumb: `/library/metadata/${artist.ratingKey}/thumb/${artist.plex.updatedAt}`,
        grandparentTitle: artist.name,
        key: album.ratingKey,
        nocache: true,
        parentIndex: 1,
        parentTitle: album.title,
        parentYear: album.year,
        thumb: `/library/metadata/${album.ratingKey}/thumb/${album.plex.updatedAt}`,
        title1: artist.name,
        title2: album.title,
        viewGroup: 'track',
        viewMode: 65593,
      };
      return listing(request, format, album.trackCount, fields, (start, count) =>
        trackItems(request, album.firstTrack + start, count),
      );
    }
    const container: PlexObject = { size: 0, ...libraryFields() };
    return respond(format, renderContainer(format, container, 'Metadata', quirks.omitEmptyMetadata ? undefined : []));
  };

  const handler = (request: SimRequest): SimResponse => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return htmlError(404, 'Not Found');
    const format: PlexFormat = wantsJson(
      typeof request.headers.accept === 'string' ? request.headers.accept : undefined,
    )
      ? 'json'
      : 'xml';
    if (request.path === '/identity') {
      // Needs no token: clients use it to check they reached a PMS at all.
      const container: PlexObject = { size: 0, claimed: true, machineIdentifier, version: PLEX_VERSION };
      return respond(format, renderContainer(format, container, 'Metadata', undefined));
    }
    if (tokenOf(request) !== token) return { ...htmlError(401, 'Unauthorized'), note: 'unauthorised' };

    const path = request.path.replace(/\/+$/, '');
    if (path === '/library/sections') return sectionsResponse(format);
    const sectionMatch = /^\/library\/sections\/(\d+)\/(all|albums)$/.exec(path);
    if (sectionMatch !== null) {
      const sectionId = Number(sectionMatch[1]);
      if (sectionId !== MUSIC_SECTION && sectionId !== MOVIE_SECTION)
        return { ...htmlError(404, 'Not Found'), note: 'not-found' };
      return sectionListing(request, format, sectionId, sectionMatch[2] === 'albums' ? TYPE_ALBUM : undefined);
    }
    const childrenMatch = /^\/library\/metadata\/(\d+)\/children$/.exec(path);
    if (childrenMatch?.[1] !== undefined) return children(request, format, childrenMatch[1]);
    const detailMatch = /^\/library\/metadata\/([\d,]+)$/.exec(path);
    if (detailMatch?.[1] !== undefined)
      return detail(
        request,
        format,
        detailMatch[1].split(',').filter((key) => key !== ''),
      );
    return { ...htmlError(404, 'Not Found'), note: 'not-found' };
  };

  const renderFault = (fault: Fault): SimResponse =>
    fault.kind === 'api-error'
      ? htmlError(503, 'Service Unavailable')
      : htmlError(fault.status ?? 500, 'Internal Server Error');

  const server = await startHttpServer({
    provider: 'plex',
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
    token,
    musicSectionId: String(MUSIC_SECTION),
    get quirks() {
      return quirks;
    },
    setQuirks(update: Partial<PlexQuirks>) {
      quirks = { ...quirks, ...update };
    },
  };
}
