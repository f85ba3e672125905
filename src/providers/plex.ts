// Plex Media Server, read-only: music sections, paged listings, item detail. Shapes follow what a real
// server answers: JSON only on `Accept: application/json`, ids that may be numbers or strings, fields
// hoisted onto the container, tags absent rather than empty, statistics absent rather than zero.
import { z } from 'zod';
import type { PlexAlbum, PlexArtist, PlexSection, PlexTrack } from '../types.ts';
import { isProviderError, ProviderError } from './errors.ts';
import type { HttpClient } from './http.ts';
import { buildUrl, encodeComponent } from './names.ts';

export interface PlexClientConfig {
  url: string;
  token: string;
  /** A section key or title; when unset the first music section is used. */
  musicSection?: string;
}

export interface PlexPage<T> {
  items: T[];
  /** Position of the first item in the whole listing. */
  offset: number;
  /** The listing's total size when the server said it (it usually does). */
  totalSize: number | undefined;
}

export interface PlexListOptions {
  /** Items asked per page; the server may send fewer (it is allowed to cap pages). */
  pageSize?: number;
  /** Position to list from (X-Plex-Container-Start), e.g. where an interrupted warm stopped; default 0. */
  start?: number;
  signal?: AbortSignal;
}

export interface PlexConcurrentListOptions extends Omit<PlexListOptions, 'start'> {
  /** Pages in flight at once (the limiter's PLEX_CONCURRENCY bounds all Plex requests on top of this). */
  concurrency: number;
}

// Plex's `type=` numbers for /all (python-plexapi SEARCHTYPES; the spec's MediaType table is wrong here).
const PLEX_TYPE = { artist: 8, album: 9, track: 10 } as const;
export const DEFAULT_PLEX_PAGE_SIZE = 200;

/**
 * ratingKeys per detail request. Plex answers a comma list on `/library/metadata/{k1,k2,…}` with every
 * item in one container. As many as a listing page holds, so that a page costs one detail request; with
 * 7-digit keys the path stays near 1.6 KB, far below the 8 KB request-line limit common to web servers
 * and the proxies put in front of Plex, and a batch of track details (2–3 KB of JSON each, with Media and
 * Part) stays under a megabyte.
 * @alias of DEFAULT_PLEX_PAGE_SIZE on purpose (knip: not a duplicate export): one detail request per page.
 */
export const PLEX_DETAIL_BATCH_SIZE = DEFAULT_PLEX_PAGE_SIZE;

export type PlexItemKind = 'artist' | 'album' | 'track';

const id = z.union([z.string(), z.number()]).transform(String);
const optionalNumber = z
  .union([z.number(), z.string()])
  .transform((value, ctx) => {
    const parsed = typeof value === 'number' ? value : Number(value);
    if (!Number.isFinite(parsed)) {
      ctx.addIssue({ code: 'custom', message: 'expected a number' });
      return z.NEVER;
    }
    return parsed;
  })
  .optional()
  .nullable();
const tags = z
  .array(z.object({ tag: z.string() }))
  .optional()
  .nullable();
const guids = z
  .array(z.object({ id: z.string() }))
  .optional()
  .nullable();

const metadataSchema = z.object({
  ratingKey: id,
  title: z.string().optional().nullable(),
  type: z.string().optional().nullable(),
  updatedAt: optionalNumber,
  year: optionalNumber,
  parentTitle: z.string().optional().nullable(),
  parentRatingKey: id.optional().nullable(),
  parentYear: optionalNumber,
  parentIndex: optionalNumber,
  grandparentTitle: z.string().optional().nullable(),
  grandparentRatingKey: id.optional().nullable(),
  originalTitle: z.string().optional().nullable(),
  index: optionalNumber,
  duration: optionalNumber,
  userRating: optionalNumber,
  viewCount: optionalNumber,
  skipCount: optionalNumber,
  lastViewedAt: optionalNumber,
  Genre: tags,
  Style: tags,
  Mood: tags,
  Guid: guids,
});
type Metadata = z.output<typeof metadataSchema>;

// Fields a container may hoist from its children: Plex moves attributes that all items share (the
// album title of an album's tracks, say) onto the MediaContainer, sometimes as numbers where items have strings.
const containerSchema = z.object({
  size: optionalNumber,
  totalSize: optionalNumber,
  offset: optionalNumber,
  parentTitle: z.string().optional().nullable(),
  parentRatingKey: id.optional().nullable(),
  parentYear: optionalNumber,
  grandparentTitle: z.string().optional().nullable(),
  grandparentRatingKey: id.optional().nullable(),
  // Absent when a page is empty (AudioMuse reads `Metadata or []`).
  Metadata: z.array(metadataSchema).optional().nullable(),
});
type Container = z.output<typeof containerSchema>;

// Zod reads a page of 200 items at about two thirds of JSON.parse's own cost again, on the path every
// track of every sync takes; this hand-written reader checks the same fields with the same rules (ids as
// strings or numbers, numbers possibly as strings, tags as [{tag}], Guid as [{id}], null as absent) in a
// fraction of that. `containerSchema` stays the statement of the shape, and the tests hold the two to it.
type Issue = (message: string) => void;

function readString(value: unknown, field: string, issue: Issue): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  issue(`${field}: expected a string`);
  return undefined;
}

function readId(value: unknown, field: string, issue: Issue): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  issue(`${field}: expected a string or a number`);
  return undefined;
}

function readNumber(value: unknown, field: string, issue: Issue): number | undefined {
  if (value === undefined || value === null) return undefined;
  const parsed = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  if (Number.isFinite(parsed)) return parsed;
  issue(`${field}: expected a number`);
  return undefined;
}

function readObjects<K extends string>(
  value: unknown,
  field: string,
  key: K,
  issue: Issue,
): Array<Record<K, string>> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) {
    issue(`${field}: expected an array`);
    return undefined;
  }
  const list: Array<Record<K, string>> = [];
  for (const entry of value as unknown[]) {
    const text = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>)[key] : undefined;
    if (typeof text !== 'string') {
      issue(`${field}: expected objects with a string ${key}`);
      return undefined;
    }
    list.push({ [key]: text } as Record<K, string>);
  }
  return list;
}

function readMetadata(raw: unknown, at: string, issue: Issue): Metadata | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    issue(`${at}: expected an object`);
    return undefined;
  }
  const item = raw as Record<string, unknown>;
  const ratingKey = readId(item.ratingKey, `${at}.ratingKey`, issue);
  if (ratingKey === undefined) {
    issue(`${at}.ratingKey: required`);
    return undefined;
  }
  return {
    ratingKey,
    title: readString(item.title, `${at}.title`, issue),
    type: readString(item.type, `${at}.type`, issue),
    updatedAt: readNumber(item.updatedAt, `${at}.updatedAt`, issue),
    year: readNumber(item.year, `${at}.year`, issue),
    parentTitle: readString(item.parentTitle, `${at}.parentTitle`, issue),
    parentRatingKey: readId(item.parentRatingKey, `${at}.parentRatingKey`, issue),
    parentYear: readNumber(item.parentYear, `${at}.parentYear`, issue),
    parentIndex: readNumber(item.parentIndex, `${at}.parentIndex`, issue),
    grandparentTitle: readString(item.grandparentTitle, `${at}.grandparentTitle`, issue),
    grandparentRatingKey: readId(item.grandparentRatingKey, `${at}.grandparentRatingKey`, issue),
    originalTitle: readString(item.originalTitle, `${at}.originalTitle`, issue),
    index: readNumber(item.index, `${at}.index`, issue),
    duration: readNumber(item.duration, `${at}.duration`, issue),
    userRating: readNumber(item.userRating, `${at}.userRating`, issue),
    viewCount: readNumber(item.viewCount, `${at}.viewCount`, issue),
    skipCount: readNumber(item.skipCount, `${at}.skipCount`, issue),
    lastViewedAt: readNumber(item.lastViewedAt, `${at}.lastViewedAt`, issue),
    Genre: readObjects(item.Genre, `${at}.Genre`, 'tag', issue),
    Style: readObjects(item.Style, `${at}.Style`, 'tag', issue),
    Mood: readObjects(item.Mood, `${at}.Mood`, 'tag', issue),
    Guid: readObjects(item.Guid, `${at}.Guid`, 'id', issue),
  };
}

function readContainer(body: unknown, issue: Issue): Container | undefined {
  const root = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).MediaContainer : undefined;
  if (typeof root !== 'object' || root === null || Array.isArray(root)) {
    issue('MediaContainer: expected an object');
    return undefined;
  }
  const container = root as Record<string, unknown>;
  let metadata: Metadata[] | undefined;
  if (container.Metadata !== undefined && container.Metadata !== null) {
    if (!Array.isArray(container.Metadata)) {
      issue('MediaContainer.Metadata: expected an array');
      return undefined;
    }
    metadata = [];
    const items = container.Metadata as unknown[];
    for (let index = 0; index < items.length; index += 1) {
      const item = readMetadata(items[index], `MediaContainer.Metadata[${index}]`, issue);
      if (item !== undefined) metadata.push(item);
    }
  }
  return {
    size: readNumber(container.size, 'MediaContainer.size', issue),
    totalSize: readNumber(container.totalSize, 'MediaContainer.totalSize', issue),
    offset: readNumber(container.offset, 'MediaContainer.offset', issue),
    parentTitle: readString(container.parentTitle, 'MediaContainer.parentTitle', issue),
    parentRatingKey: readId(container.parentRatingKey, 'MediaContainer.parentRatingKey', issue),
    parentYear: readNumber(container.parentYear, 'MediaContainer.parentYear', issue),
    grandparentTitle: readString(container.grandparentTitle, 'MediaContainer.grandparentTitle', issue),
    grandparentRatingKey: readId(container.grandparentRatingKey, 'MediaContainer.grandparentRatingKey', issue),
    Metadata: metadata,
  };
}

/** The metadata response, read by `readContainer`; a body that breaks its rules is a bad response. */
const metadataResponseSchema = z.unknown().transform((body, ctx): { MediaContainer: Container } => {
  let first: string | undefined;
  const container = readContainer(body, (message) => {
    first ??= message;
  });
  if (first !== undefined || container === undefined) {
    ctx.addIssue({ code: 'custom', message: first ?? 'MediaContainer: unreadable' });
    return z.NEVER;
  }
  return { MediaContainer: container };
});

/** The zod statement of the same shape, for tests that check the reader against it. */
export const plexMetadataResponseShape = z.object({ MediaContainer: containerSchema });
export const readPlexMetadataResponse = (body: unknown) => metadataResponseSchema.safeParse(body);

const sectionsResponseSchema = z.object({
  MediaContainer: z.object({
    Directory: z
      .array(z.object({ key: id, title: z.string(), type: z.string() }))
      .optional()
      .nullable(),
  }),
});

function tagNames(list: { tag: string }[] | null | undefined): string[] {
  return (list ?? []).map((entry) => entry.tag.trim()).filter((tag) => tag !== '');
}

const MBID_PATTERN = /^mbid:\/\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

function musicbrainzId(list: { id: string }[] | null | undefined): string | undefined {
  for (const guid of list ?? []) {
    const match = MBID_PATTERN.exec(guid.id.trim());
    if (match?.[1] !== undefined) return match[1].toLowerCase();
  }
  return undefined;
}

const defined = <T>(value: T | null | undefined): T | undefined => (value === null ? undefined : value);

function toArtist(item: Metadata): PlexArtist {
  return {
    ratingKey: item.ratingKey,
    name: item.title ?? '',
    genres: tagNames(item.Genre),
    styles: tagNames(item.Style),
    moods: tagNames(item.Mood),
    musicbrainzId: musicbrainzId(item.Guid),
    updatedAt: defined(item.updatedAt),
  };
}

function toAlbum(item: Metadata, container: Container): PlexAlbum {
  return {
    ratingKey: item.ratingKey,
    title: item.title ?? '',
    artistName: item.parentTitle ?? container.parentTitle ?? '',
    artistRatingKey: defined(item.parentRatingKey ?? container.parentRatingKey),
    genres: tagNames(item.Genre),
    styles: tagNames(item.Style),
    moods: tagNames(item.Mood),
    year: defined(item.year ?? container.parentYear),
    musicbrainzId: musicbrainzId(item.Guid),
    updatedAt: defined(item.updatedAt),
  };
}

function toTrack(item: Metadata, container: Container): PlexTrack {
  return {
    ratingKey: item.ratingKey,
    title: item.title ?? '',
    // The album artist: the Plex artist entity the track belongs to (originalTitle, the performing artist
    // when it differs, is only a fallback).
    artistName: item.grandparentTitle ?? container.grandparentTitle ?? item.originalTitle ?? '',
    albumTitle: defined(item.parentTitle ?? container.parentTitle),
    albumRatingKey: defined(item.parentRatingKey ?? container.parentRatingKey),
    trackNumber: defined(item.index),
    discNumber: defined(item.parentIndex),
    durationMs: defined(item.duration),
    year: defined(item.year ?? item.parentYear ?? container.parentYear),
    userRating: defined(item.userRating),
    viewCount: item.viewCount ?? 0,
    skipCount: item.skipCount ?? 0,
    lastViewedAt:
      item.lastViewedAt === undefined || item.lastViewedAt === null ? undefined : new Date(item.lastViewedAt * 1000),
    musicbrainzId: musicbrainzId(item.Guid),
    genres: tagNames(item.Genre),
    styles: tagNames(item.Style),
    moods: tagNames(item.Mood),
    updatedAt: defined(item.updatedAt),
  };
}

export class PlexClient {
  readonly provider = 'plex' as const;

  constructor(
    private readonly http: HttpClient,
    private readonly config: PlexClientConfig,
  ) {}

  /** Every library section. */
  async sections(signal?: AbortSignal): Promise<PlexSection[]> {
    const response = await this.http.request({
      operation: 'sections',
      url: buildUrl(this.config.url, '/library/sections'),
      schema: sectionsResponseSchema,
      signal,
    });
    return (response.MediaContainer.Directory ?? []).map((directory) => ({
      key: directory.key,
      title: directory.title,
      type: directory.type,
    }));
  }

  /** Music sections only (Plex calls their type "artist"). */
  async musicSections(signal?: AbortSignal): Promise<PlexSection[]> {
    return (await this.sections(signal)).filter((section) => section.type === 'artist');
  }

  /** The configured music section (PLEX_MUSIC_SECTION, by key or title), or the first music section. */
  async musicSection(signal?: AbortSignal): Promise<PlexSection> {
    const sections = await this.musicSections(signal);
    const wanted = this.config.musicSection;
    const section =
      wanted === undefined
        ? sections[0]
        : (sections.find((candidate) => candidate.key === wanted) ??
          sections.find((candidate) => candidate.title.toLowerCase() === wanted.toLowerCase()));
    if (section === undefined) {
      throw new ProviderError({
        provider: 'plex',
        operation: 'sections',
        kind: 'not-found',
        code: 'not-found',
        message:
          wanted === undefined
            ? 'the server has no music section'
            : `no music section with key or title ${JSON.stringify(wanted)} (found: ${sections.map((s) => `${s.key} ${s.title}`).join(', ') || 'none'})`,
      });
    }
    return section;
  }

  /** Artists of a section, page by page, with Guid (MusicBrainz id). List views carry few tags: see `artist()`. */
  artistPages(sectionKey: string, options: PlexListOptions = {}): AsyncGenerator<PlexPage<PlexArtist>> {
    return this.pages(sectionKey, PLEX_TYPE.artist, 'artists', options, (item) => toArtist(item));
  }

  albumPages(sectionKey: string, options: PlexListOptions = {}): AsyncGenerator<PlexPage<PlexAlbum>> {
    return this.pages(sectionKey, PLEX_TYPE.album, 'albums', options, toAlbum);
  }

  /** Tracks with their statistics (user rating, view count, skip count, last viewed). */
  trackPages(sectionKey: string, options: PlexListOptions = {}): AsyncGenerator<PlexPage<PlexTrack>> {
    return this.pages(sectionKey, PLEX_TYPE.track, 'tracks', options, toTrack);
  }

  /**
   * Every track, up to `concurrency` pages in flight, pages yielded as they arrive: the track sync,
   * which stores pages in any order, keeps Plex busy while it writes.
   */
  trackPagesConcurrently(sectionKey: string, options: PlexConcurrentListOptions): AsyncGenerator<PlexPage<PlexTrack>> {
    return this.concurrentPages(sectionKey, PLEX_TYPE.track, 'tracks', options, toTrack);
  }

  /** How many items of a kind a section holds, without listing them (a page of size 0). */
  async count(sectionKey: string, kind: keyof typeof PLEX_TYPE, signal?: AbortSignal): Promise<number> {
    const response = await this.http.request({
      operation: `count ${kind}s`,
      url: buildUrl(this.config.url, `/library/sections/${encodeComponent(sectionKey)}/all`, {
        type: PLEX_TYPE[kind],
        'X-Plex-Container-Start': 0,
        'X-Plex-Container-Size': 0,
      }),
      headers: { 'X-Plex-Container-Start': '0', 'X-Plex-Container-Size': '0' },
      schema: metadataResponseSchema,
      signal,
    });
    const container = response.MediaContainer;
    return container.totalSize ?? container.size ?? container.Metadata?.length ?? 0;
  }

  /** Full detail of an artist: every Genre, Style and Mood tag (list views carry only a few). */
  async artist(ratingKey: string, signal?: AbortSignal): Promise<PlexArtist> {
    const { item } = await this.metadata(ratingKey, 'artist', signal);
    return toArtist(item);
  }

  async album(ratingKey: string, signal?: AbortSignal): Promise<PlexAlbum> {
    const { item, container } = await this.metadata(ratingKey, 'album', signal);
    return toAlbum(item, container);
  }

  /** One track with fresh statistics. */
  async track(ratingKey: string, signal?: AbortSignal): Promise<PlexTrack> {
    const { item, container } = await this.metadata(ratingKey, 'track', signal);
    return toTrack(item, container);
  }

  /** Full details of many artists, batched: a map by ratingKey (keys Plex does not know are absent). */
  artistDetails(ratingKeys: readonly string[], signal?: AbortSignal): Promise<Map<string, PlexArtist>> {
    return this.details(ratingKeys, 'artist', signal, (item) => toArtist(item));
  }

  albumDetails(ratingKeys: readonly string[], signal?: AbortSignal): Promise<Map<string, PlexAlbum>> {
    return this.details(ratingKeys, 'album', signal, toAlbum);
  }

  /** Tracks with their Genre and Mood tags, which only the detail view carries (list views have neither). */
  trackDetails(ratingKeys: readonly string[], signal?: AbortSignal): Promise<Map<string, PlexTrack>> {
    return this.details(ratingKeys, 'track', signal, toTrack);
  }

  private async details<T>(
    ratingKeys: readonly string[],
    kind: PlexItemKind,
    signal: AbortSignal | undefined,
    map: (item: Metadata, container: Container) => T,
  ): Promise<Map<string, T>> {
    const wanted = [...new Set(ratingKeys)];
    const found = new Map<string, T>();
    for (let first = 0; first < wanted.length; first += PLEX_DETAIL_BATCH_SIZE) {
      const batch = wanted.slice(first, first + PLEX_DETAIL_BATCH_SIZE);
      const asked = new Set(batch);
      let container: Container;
      try {
        const response = await this.http.request({
          operation: `${kind} details`,
          url: buildUrl(this.config.url, `/library/metadata/${batch.map(encodeComponent).join(',')}`, {
            includeGuids: 1,
          }),
          schema: metadataResponseSchema,
          signal,
        });
        container = response.MediaContainer;
      } catch (error) {
        // Plex answers 404 when none of the keys exists (items deleted since the listing was read).
        if (isProviderError(error) && error.kind === 'not-found') continue;
        throw error;
      }
      for (const item of container.Metadata ?? []) {
        if (!asked.has(item.ratingKey)) continue;
        if (item.type !== undefined && item.type !== null && item.type !== kind) continue;
        found.set(item.ratingKey, map(item, container));
      }
    }
    return found;
  }

  private async metadata(
    ratingKey: string,
    kind: 'artist' | 'album' | 'track',
    signal: AbortSignal | undefined,
  ): Promise<{ item: Metadata; container: Container }> {
    const response = await this.http.request({
      operation: `${kind} detail`,
      url: buildUrl(this.config.url, `/library/metadata/${encodeComponent(ratingKey)}`, { includeGuids: 1 }),
      schema: metadataResponseSchema,
      signal,
    });
    const container = response.MediaContainer;
    const item = container.Metadata?.[0];
    if (item === undefined) {
      throw new ProviderError({
        provider: 'plex',
        operation: `${kind} detail`,
        kind: 'not-found',
        code: 'not-found',
        message: `no ${kind} with ratingKey ${ratingKey}`,
      });
    }
    if (item.type !== undefined && item.type !== null && item.type !== kind) {
      throw new ProviderError({
        provider: 'plex',
        operation: `${kind} detail`,
        kind: 'not-found',
        code: 'not-found',
        message: `ratingKey ${ratingKey} is a ${item.type}, not a ${kind}`,
      });
    }
    return { item, container };
  }

  /** One page of a section listing as the server sent it (its offset may differ from what was asked). */
  private async listPage(
    sectionKey: string,
    type: number,
    label: string,
    start: number,
    size: number,
    signal: AbortSignal | undefined,
  ): Promise<{ items: Metadata[]; container: Container; offset: number; totalSize: number | undefined }> {
    // Both paging headers on every request, never relying on a server default (Plex's own
    // documentation contradicts itself about it); the
    // query forms are accepted by Plex too and cost nothing.
    const response = await this.http.request({
      operation: `list ${label}`,
      url: buildUrl(this.config.url, `/library/sections/${encodeComponent(sectionKey)}/all`, {
        type,
        includeGuids: 1,
        'X-Plex-Container-Start': start,
        'X-Plex-Container-Size': size,
      }),
      headers: { 'X-Plex-Container-Start': String(start), 'X-Plex-Container-Size': String(size) },
      schema: metadataResponseSchema,
      signal,
    });
    const container = response.MediaContainer;
    return {
      items: container.Metadata ?? [],
      container,
      offset: container.offset ?? start,
      totalSize: defined(container.totalSize),
    };
  }

  private async *pages<T>(
    sectionKey: string,
    type: number,
    label: string,
    options: PlexListOptions,
    map: (item: Metadata, container: Container) => T,
  ): AsyncGenerator<PlexPage<T>> {
    const pageSize = Math.max(1, Math.floor(options.pageSize ?? DEFAULT_PLEX_PAGE_SIZE));
    let start = Math.max(0, Math.floor(options.start ?? 0));
    for (;;) {
      const { items, container, offset, totalSize } = await this.listPage(
        sectionKey,
        type,
        label,
        start,
        pageSize,
        options.signal,
      );
      if (items.length > 0) {
        yield { items: items.map((item) => map(item, container)), offset, totalSize };
      }
      // The server may ignore paging, cap the page below what was asked, or omit the total
      // (Plex documents all three): only an empty page or the known total ends the listing, and a server that
      // answers every page from the start again is not followed into a loop.
      const next = offset + items.length;
      if (items.length === 0) return;
      if (totalSize !== undefined && next >= totalSize) return;
      if (items.length > pageSize || offset !== start || next <= start) return;
      start = next;
    }
  }

  /**
   * The same listing with up to `concurrency` pages in flight, yielded as they arrive (not in order).
   * The first page tells the total and the server's real page size (it may cap pages below what was
   * asked); the rest are asked for by offset. A range the server answers short is finished by asking
   * for what is missing, so every item is still listed once. Without a total (or when the server
   * ignores paging) this is the sequential listing.
   */
  private async *concurrentPages<T>(
    sectionKey: string,
    type: number,
    label: string,
    options: PlexConcurrentListOptions,
    map: (item: Metadata, container: Container) => T,
  ): AsyncGenerator<PlexPage<T>> {
    const asked = Math.max(1, Math.floor(options.pageSize ?? DEFAULT_PLEX_PAGE_SIZE));
    const concurrency = Math.max(1, Math.floor(options.concurrency));
    // Stops the requests still in flight when the consumer stops early or one of them fails.
    const stop = new AbortController();
    const signal = options.signal === undefined ? stop.signal : AbortSignal.any([options.signal, stop.signal]);
    try {
      const first = await this.listPage(sectionKey, type, label, 0, asked, signal);
      const toPage = (page: {
        items: Metadata[];
        container: Container;
        offset: number;
        totalSize: number | undefined;
      }): PlexPage<T> => ({
        items: page.items.map((item) => map(item, page.container)),
        offset: page.offset,
        totalSize: page.totalSize ?? first.totalSize,
      });
      const total = first.totalSize;
      if (first.items.length > 0) yield toPage(first);
      if (first.items.length === 0 || total === undefined || first.offset !== 0 || first.items.length > asked) {
        if (total === undefined && first.items.length === asked && first.offset === 0) {
          // No total to plan by: the rest one page after the other.
          for await (const page of this.pages(sectionKey, type, label, { ...options, signal }, map)) {
            if (page.offset >= first.items.length) yield page;
          }
        }
        return;
      }
      const step = first.items.length;
      const ranges: Array<[number, number]> = [];
      for (let start = step; start < total; start += step) ranges.push([start, Math.min(total, start + step)]);

      const fetchRange = async ([from, to]: [number, number]): Promise<PlexPage<T>[]> => {
        const got: PlexPage<T>[] = [];
        for (let start = from; start < to; ) {
          const page = await this.listPage(sectionKey, type, label, start, to - start, signal);
          // An empty or misplaced answer ends this range; the caller's count shows the listing short.
          if (page.items.length === 0 || page.offset !== start) break;
          const items = page.items.slice(0, to - start);
          got.push(toPage({ ...page, items }));
          start += items.length;
        }
        return got;
      };

      const inFlight = new Map<number, Promise<{ id: number; pages: PlexPage<T>[] }>>();
      let next = 0;
      const launch = () => {
        const range = ranges[next];
        if (range === undefined) return;
        const id = next;
        next += 1;
        const promise = fetchRange(range).then((pages) => ({ id, pages }));
        // Settled through the race below; this only keeps a failure after an early stop from going unhandled.
        promise.catch(() => undefined);
        inFlight.set(id, promise);
      };
      while (inFlight.size < concurrency && next < ranges.length) launch();
      while (inFlight.size > 0) {
        const { id, pages } = await Promise.race(inFlight.values());
        inFlight.delete(id);
        // The next request starts before this page is handed over, so fetching goes on while it is stored.
        launch();
        for (const page of pages) yield page;
      }
    } finally {
      stop.abort();
    }
  }
}
