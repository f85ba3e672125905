// AudioMuse-AI's analysis of tracks, over HTTP only (AudioMuse is AGPL):
// - GET /external/get_score?id=<Plex ratingKey> returns one track's `score` row (every version);
// - GET /api/sync (since 2026-05) exports the library in bulk: `?fields=index` pages through every analysed
//   track as {id, fp} (fp changes on re-analysis; up to 1,000 a page), `?ids=a,b,…` returns up to 500 rows.
// Ids are the media server's (the Plex ratingKey), resolved against AudioMuse's default media server unless
// `server` names another; the configured server goes on every request.
import { z } from 'zod';
import type { AudioMuseScore } from '../types.ts';
import type { HttpClient } from './http.ts';
import { buildQuery, buildUrl, encodeComponent } from './names.ts';
import { SingleFlight } from './single-flight.ts';

export interface AudiomuseClientConfig {
  url: string;
  token?: string;
  /** AudioMuse's name or id for this Plex server; undefined = AudioMuse's default server. */
  server?: string;
}

/** AudioMuse's caps: a manifest page holds at most 1,000 entries, an id list at most 500. */
const SYNC_INDEX_PAGE_SIZE = 1000;
const SYNC_ROWS_MAX_IDS = 500;
/**
 * AudioMuse runs behind gunicorn, whose default --limit-request-line is 4094 bytes: a longer request line is
 * refused before AudioMuse sees it. Id lists are cut so "GET <target> HTTP/1.1" stays under this (with room).
 */
const MAX_REQUEST_LINE = 4000;

export interface SyncIndexPage {
  entries: Array<{ id: string; fp: string }>;
  totalTracks: number;
  nextPage: number | null;
}

const optionalNumber = z
  .union([z.number(), z.string()])
  .nullable()
  .optional()
  .transform((value, ctx) => {
    if (value === null || value === undefined || value === '') return undefined;
    const parsed = typeof value === 'number' ? value : Number(value);
    if (!Number.isFinite(parsed)) {
      ctx.addIssue({ code: 'custom', message: 'expected a number' });
      return z.NEVER;
    }
    return parsed;
  });
const optionalText = z
  .string()
  .nullable()
  .optional()
  .transform((value) => (value === null || value === undefined ? undefined : value));

// The analysis columns of AudioMuse's score table, the same in get_score's answer and the sync rows.
const analysisFields = {
  tempo: optionalNumber,
  key: optionalText,
  scale: optionalText,
  energy: optionalNumber,
  mood_vector: optionalText,
  other_features: optionalText,
};

const scoreSchema = z.object({
  item_id: z.union([z.string(), z.number()]).transform(String).nullable().optional(),
  title: optionalText,
  author: optionalText,
  ...analysisFields,
  duration: optionalNumber,
});

const id = z.union([z.string(), z.number()]).transform(String);

const syncIndexSchema = z.object({
  tracks: z.array(z.object({ id, fp: z.string() })),
  total_tracks: z.number(),
  has_more: z.boolean(),
  next_page: z.number().nullable().optional(),
});

const syncRowsSchema = z.object({
  tracks: z.array(
    z.object({
      id,
      title: optionalText,
      artist: optionalText,
      ...analysisFields,
      fp: optionalText,
    }),
  ),
});

// Without a valid token AudioMuse redirects a non-/api/ path to /login (a 200 HTML page if followed): a refusal.
const LOGIN_REDIRECT = {
  redirect: 'manual',
  statusKinds: {
    301: 'unauthorised',
    302: 'unauthorised',
    303: 'unauthorised',
    307: 'unauthorised',
    308: 'unauthorised',
  },
} as const;

/**
 * Parses AudioMuse's `label:value,label:value` strings. Labels can hold spaces, mixed case and even a
 * colon, never a comma, so entries split on "," and each entry on its LAST ":". Entries that do not
 * parse (an empty string before CLAP has run, a stray separator) are skipped rather than failing the track.
 */
export function parseFeatureString(value: string | undefined): Record<string, number> {
  const result: Record<string, number> = {};
  if (value === undefined) return result;
  for (const entry of value.split(',')) {
    const separator = entry.lastIndexOf(':');
    if (separator <= 0) continue;
    const label = entry.slice(0, separator).trim();
    const raw = entry.slice(separator + 1).trim();
    const number = raw === '' ? Number.NaN : Number(raw);
    if (label === '' || !Number.isFinite(number)) continue;
    result[label] = number;
  }
  return result;
}

/**
 * AudioMuse writes `0.00` for every CLAP label until its CLAP step has run (or when CLAP is off): that is
 * "no value yet", not "not danceable at all", so all-zero features read as none.
 */
export function parseOtherFeatures(value: string | undefined): Record<string, number> {
  const features = parseFeatureString(value);
  return Object.values(features).every((score) => score === 0) ? {} : features;
}

type AnalysisColumns = z.infer<z.ZodObject<typeof analysisFields>>;

/** The analysis of one score row, as get_score and the sync rows both carry it. */
function analysisOf(row: AnalysisColumns) {
  return {
    tempo: row.tempo,
    key: row.key,
    scale: row.scale,
    energy: row.energy,
    moodVector: parseFeatureString(row.mood_vector),
    otherFeatures: parseOtherFeatures(row.other_features),
  };
}

/**
 * Splits ids into `?ids=` lists of at most 500 whose request line fits under gunicorn's limit. Commas go
 * unencoded (Flask reads them as is); each id is encoded as any query value.
 */
function syncIdBatches(ids: readonly string[], baseLength: number): string[][] {
  const batches: string[][] = [];
  let current: string[] = [];
  let length = baseLength;
  for (const one of ids) {
    const added = encodeComponent(one).length;
    if (current.length > 0 && (current.length >= SYNC_ROWS_MAX_IDS || length + 1 + added > MAX_REQUEST_LINE)) {
      batches.push(current);
      current = [];
      length = baseLength;
    }
    length += (current.length === 0 ? 0 : 1) + added;
    current.push(one);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

export class AudiomuseClient {
  readonly provider = 'audiomuse' as const;
  private readonly flights = new SingleFlight<AudioMuseScore>();

  constructor(
    private readonly http: HttpClient,
    private readonly config: AudiomuseClientConfig,
  ) {}

  /** The analysis of one track by its Plex ratingKey. Not analysed (404) → ProviderError 'not-found'. */
  score(ratingKey: string, options: { server?: string; signal?: AbortSignal } = {}): Promise<AudioMuseScore> {
    const server = options.server ?? this.config.server;
    return this.flights.run(JSON.stringify([ratingKey, server ?? null]), async () => {
      const row = await this.http.request({
        operation: 'get_score',
        url: buildUrl(this.config.url, '/external/get_score', { id: ratingKey, server }),
        schema: scoreSchema,
        signal: options.signal,
        ...LOGIN_REDIRECT,
      });
      return {
        // AudioMuse echoes the caller's id; fall back to it if a version does not.
        itemId: row.item_id ?? ratingKey,
        title: row.title,
        artist: row.author,
        ...analysisOf(row),
        durationSeconds: row.duration,
      };
    });
  }

  /**
   * One page (from 1) of the manifest of every track AudioMuse has analysed on the server. An AudioMuse
   * from before the sync API answers 404 → ProviderError 'not-found'.
   */
  async syncIndexPage(page: number, options: { signal?: AbortSignal } = {}): Promise<SyncIndexPage> {
    const body = await this.http.request({
      operation: 'sync index',
      url: buildUrl(this.config.url, '/api/sync', {
        fields: 'index',
        page,
        limit: SYNC_INDEX_PAGE_SIZE,
        server: this.config.server,
      }),
      schema: syncIndexSchema,
      signal: options.signal,
    });
    return {
      entries: body.tracks,
      totalTracks: body.total_tracks,
      nextPage: body.has_more ? (body.next_page ?? page + 1) : null,
    };
  }

  /** The rows of these tracks, in as few requests as the caps allow; tracks AudioMuse has not analysed are absent. */
  async syncRows(ratingKeys: readonly string[], options: { signal?: AbortSignal } = {}): Promise<AudioMuseScore[]> {
    const scores: AudioMuseScore[] = [];
    for (const batch of this.syncBatches(ratingKeys)) scores.push(...(await this.syncRowsBatch(batch, options)));
    return scores;
  }

  /** How `syncRows` would split these ids into requests (so a caller can run the requests in parallel). */
  syncBatches(ratingKeys: readonly string[]): string[][] {
    const base = new URL(this.syncRowsUrl([]));
    return syncIdBatches(ratingKeys, `GET ${base.pathname}${base.search} HTTP/1.1`.length);
  }

  /** One `?ids=` request (at most 500 ids that fit in one request line: see `syncBatches`). */
  async syncRowsBatch(
    ratingKeys: readonly string[],
    options: { signal?: AbortSignal } = {},
  ): Promise<AudioMuseScore[]> {
    if (ratingKeys.length === 0) return [];
    const body = await this.http.request({
      operation: 'sync rows',
      url: this.syncRowsUrl(ratingKeys),
      schema: syncRowsSchema,
      signal: options.signal,
    });
    return body.tracks.map((row) => ({
      itemId: row.id,
      title: row.title,
      artist: row.artist,
      ...analysisOf(row),
      fingerprint: row.fp,
    }));
  }

  private syncRowsUrl(ratingKeys: readonly string[]): string {
    const query = buildQuery({ include_embeddings: 'false', server: this.config.server });
    return `${buildUrl(this.config.url, '/api/sync')}?${query}&ids=${ratingKeys.map(encodeComponent).join(',')}`;
  }
}
