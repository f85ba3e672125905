// AudioMuse-AI per-track analysis (providers.md §4): GET /external/get_score?id=<Plex ratingKey>, which
// returns the track's `score` row. Talked to over HTTP only (the project is AGPL).
import { z } from 'zod';
import type { AudioMuseScore } from '../types.ts';
import type { HttpClient } from './http.ts';
import { buildUrl } from './names.ts';
import { SingleFlight } from './single-flight.ts';

export interface AudiomuseClientConfig {
  url: string;
  token?: string;
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

const scoreSchema = z.object({
  item_id: z.union([z.string(), z.number()]).transform(String).nullable().optional(),
  title: optionalText,
  author: optionalText,
  tempo: optionalNumber,
  key: optionalText,
  scale: optionalText,
  energy: optionalNumber,
  mood_vector: optionalText,
  other_features: optionalText,
  duration: optionalNumber,
});

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

export class AudiomuseClient {
  readonly provider = 'audiomuse' as const;
  private readonly flights = new SingleFlight<AudioMuseScore>();

  constructor(
    private readonly http: HttpClient,
    private readonly config: AudiomuseClientConfig,
  ) {}

  /** The analysis of one track by its Plex ratingKey. Not analysed (404) → ProviderError 'not-found'. */
  score(ratingKey: string, options: { server?: string; signal?: AbortSignal } = {}): Promise<AudioMuseScore> {
    return this.flights.run(JSON.stringify([ratingKey, options.server ?? null]), async () => {
      const row = await this.http.request({
        operation: 'get_score',
        url: buildUrl(this.config.url, '/external/get_score', { id: ratingKey, server: options.server }),
        schema: scoreSchema,
        signal: options.signal,
        // Without a valid token AudioMuse redirects to /login (a 200 HTML page if followed): that is a refusal.
        redirect: 'manual',
        statusKinds: { 301: 'unauthorised', 302: 'unauthorised', 303: 'unauthorised', 307: 'unauthorised', 308: 'unauthorised' },
      });
      return {
        // AudioMuse echoes the caller's id; fall back to it if a version does not.
        itemId: row.item_id ?? ratingKey,
        title: row.title,
        artist: row.author,
        tempo: row.tempo,
        key: row.key,
        scale: row.scale,
        energy: row.energy,
        moodVector: parseFeatureString(row.mood_vector),
        otherFeatures: parseFeatureString(row.other_features),
        durationSeconds: row.duration,
      };
    });
  }
}
