// Last.fm top tags for artists and albums. Asked by name with autocorrect, never by
// MusicBrainz id: Last.fm resolves some ids to the wrong artist. Errors come as `{"error":n}` bodies,
// often with HTTP 200, and one tag comes back as an object instead of a one-element array.
import { z } from 'zod';
import type { WeightedTag } from '../types.ts';
import type { BodyVerdict, HttpClient } from './http.ts';
import { buildQuery } from './names.ts';
import { SingleFlight } from './single-flight.ts';

export interface LastfmClientConfig {
  url: string;
  apiKey: string;
}

export interface LastfmArtistTags {
  tags: WeightedTag[];
  /** The artist name Last.fm answered for (autocorrect may have changed it). */
  artist: string | undefined;
}

export interface LastfmAlbumTags {
  tags: WeightedTag[];
  artist: string | undefined;
  album: string | undefined;
}

const count = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const parsed = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(parsed)) {
    ctx.addIssue({ code: 'custom', message: 'expected a numeric count' });
    return z.NEVER;
  }
  return parsed;
});
const tagSchema = z.object({ name: z.union([z.string(), z.number()]).transform(String), count: count.optional() });
// A single tag is collapsed to an object by Last.fm's XML→JSON conversion; no tags may be [], "" or absent.
const tagList = z
  .union([z.array(tagSchema), tagSchema, z.literal(''), z.null()])
  .optional()
  .transform((value) =>
    value === undefined || value === null || value === '' ? [] : Array.isArray(value) ? value : [value],
  );
const attrSchema = z.object({ artist: z.string().optional(), album: z.string().optional() }).partial().optional();
export const lastfmTopTagsSchema = z.object({
  toptags: z.union([
    z.object({ tag: tagList, '@attr': attrSchema }),
    // An album or artist without tags has been seen as `"toptags": ""`.
    z.literal('').transform(() => ({ tag: [] as z.output<typeof tagSchema>[], '@attr': undefined })),
  ]),
});

const LASTFM_KEY_REFUSED_PAUSE_MS = 24 * 60 * 60_000;

// https://www.last.fm/api/errorcodes; retriable per the lastfm crate and the notes.
function verdictFor(code: number, message: string): BodyVerdict {
  const text = `error ${code}: ${message}`;
  switch (code) {
    case 6:
      return { kind: 'not-found', code: 'not-found', message: text };
    case 29:
      return { kind: 'rate-limited', code: 'rate-limit', message: text, rateLimited: true };
    case 10:
    case 26:
      // An invalid (10) or suspended (26) key: every request would get the same answer, so Last.fm is
      // paused for the whole installation. A day later one request tries again (a suspension can be lifted).
      return { kind: 'unauthorised', code: 'auth', message: text, pauseProviderMs: LASTFM_KEY_REFUSED_PAUSE_MS };
    case 4:
    case 9:
    case 14:
      return { kind: 'unauthorised', code: 'auth', message: text };
    case 8:
    case 11:
    case 16:
      return { kind: 'unavailable', code: 'server-error', message: text, retry: true };
    default:
      return { kind: 'bad-response', code: 'api-error', message: text };
  }
}

const errorBodySchema = z.object({
  error: z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]),
  message: z.string().optional(),
});

function inspectLastfmBody(body: unknown): BodyVerdict | undefined {
  const parsed = errorBodySchema.safeParse(body);
  if (!parsed.success) return undefined;
  return verdictFor(parsed.data.error, parsed.data.message ?? 'no message');
}

function toWeightedTags(tags: z.output<typeof tagSchema>[]): WeightedTag[] {
  return tags
    .map((tag) => ({ name: tag.name.trim(), ...(tag.count === undefined ? {} : { weight: tag.count }) }))
    .filter((tag) => tag.name !== '');
}

export class LastfmClient {
  readonly provider = 'lastfm' as const;
  private readonly artistFlights = new SingleFlight<LastfmArtistTags>();
  private readonly albumFlights = new SingleFlight<LastfmAlbumTags>();

  constructor(
    private readonly http: HttpClient,
    private readonly config: LastfmClientConfig,
  ) {}

  /** artist.getTopTags by name with autocorrect. Not found → ProviderError 'not-found'. */
  artistTopTags(artist: string, signal?: AbortSignal): Promise<LastfmArtistTags> {
    return this.artistFlights.run(artist, async () => {
      const response = await this.http.request({
        operation: 'artist.gettoptags',
        url: this.url({ method: 'artist.gettoptags', artist, autocorrect: 1 }),
        schema: lastfmTopTagsSchema,
        inspect: inspectLastfmBody,
        signal,
      });
      const attr = response.toptags['@attr'];
      return { tags: toWeightedTags(response.toptags.tag), artist: attr?.artist };
    });
  }

  /** album.getTopTags by artist and album name with autocorrect. Not found → ProviderError 'not-found'. */
  albumTopTags(artist: string, album: string, signal?: AbortSignal): Promise<LastfmAlbumTags> {
    return this.albumFlights.run(JSON.stringify([artist, album]), async () => {
      const response = await this.http.request({
        operation: 'album.gettoptags',
        url: this.url({ method: 'album.gettoptags', artist, album, autocorrect: 1 }),
        schema: lastfmTopTagsSchema,
        inspect: inspectLastfmBody,
        signal,
      });
      const attr = response.toptags['@attr'];
      return { tags: toWeightedTags(response.toptags.tag), artist: attr?.artist, album: attr?.album };
    });
  }

  private url(parameters: Record<string, string | number>): string {
    // The configured URL is the endpoint itself (…/2.0/); Last.fm wants the trailing slash kept.
    const base = this.config.url.endsWith('/') ? this.config.url : `${this.config.url}/`;
    return `${base}?${buildQuery({ ...parameters, api_key: this.config.apiKey, format: 'json' })}`;
  }
}
