// MusicBrainz artist genres (providers.md §5): by MusicBrainz id (Plex's `mbid://` Guid) or by an exact-name
// search. No key; a User-Agent with a contact is mandatory (set by the factory), 1 request/s.
import { z } from 'zod';
import type { WeightedTag } from '../types.ts';
import { ProviderError } from './errors.ts';
import type { HttpClient } from './http.ts';
import { buildUrl, encodeComponent, normaliseName } from './names.ts';
import { SingleFlight } from './single-flight.ts';

export interface MusicbrainzClientConfig {
  url: string;
}

export interface MusicbrainzArtistGenres {
  mbid: string;
  name: string;
  genres: WeightedTag[];
  matchedBy: 'mbid' | 'name';
}

const MBID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SEARCH_LIMIT = 10;

const count = z.number().optional().nullable();
const genreSchema = z.object({ name: z.string(), count });
const artistSchema = z.object({
  id: z.string(),
  name: z.string(),
  genres: z.array(genreSchema).optional().nullable(),
});
const searchSchema = z.object({
  artists: z
    .array(
      z.object({
        id: z.string(),
        name: z.string(),
        score: z.union([z.number(), z.string()]).optional().nullable(),
        aliases: z
          .array(z.object({ name: z.string() }))
          .optional()
          .nullable(),
      }),
    )
    .optional()
    .nullable(),
});

/** A Lucene phrase for MusicBrainz's search: only `\` and `"` need escaping inside quotes. */
function phrase(value: string): string {
  return `"${value.replace(/[\\"]/g, (character) => `\\${character}`)}"`;
}

export class MusicbrainzClient {
  readonly provider = 'musicbrainz' as const;
  private readonly byIdFlights = new SingleFlight<MusicbrainzArtistGenres>();
  private readonly byNameFlights = new SingleFlight<MusicbrainzArtistGenres>();

  constructor(
    private readonly http: HttpClient,
    private readonly config: MusicbrainzClientConfig,
  ) {}

  /** Genres of the artist with this MusicBrainz id. Unknown id → ProviderError 'not-found'. */
  artistGenresById(mbid: string, signal?: AbortSignal): Promise<MusicbrainzArtistGenres> {
    const key = mbid.trim().toLowerCase();
    return this.byIdFlights.run(key, async () => {
      if (!MBID.test(key)) {
        throw new ProviderError({
          provider: 'musicbrainz',
          operation: 'artist lookup',
          kind: 'not-found',
          code: 'not-found',
          message: `not a MusicBrainz id: ${JSON.stringify(mbid)}`,
        });
      }
      const artist = await this.http.request({
        operation: 'artist lookup',
        url: buildUrl(this.config.url, `/artist/${encodeComponent(key)}`, { inc: 'genres', fmt: 'json' }),
        schema: artistSchema,
        signal,
      });
      return {
        mbid: artist.id,
        name: artist.name,
        genres: (artist.genres ?? [])
          .map((genre) => ({ name: genre.name.trim(), ...(genre.count == null ? {} : { weight: genre.count }) }))
          .filter((genre) => genre.name !== ''),
        matchedBy: 'mbid',
      };
    });
  }

  /**
   * Genres of the artist whose name equals `name` (normalised: case, accents, punctuation), found by
   * search and then looked up by id (search results carry no genres). No exact match → 'not-found'.
   */
  artistGenresByName(name: string, signal?: AbortSignal): Promise<MusicbrainzArtistGenres> {
    return this.byNameFlights.run(normaliseName(name), async () => {
      const mbid = await this.findArtist(name, signal);
      const found = await this.artistGenresById(mbid, signal);
      return { ...found, matchedBy: 'name' };
    });
  }

  /** By id when one is known, falling back to the name when the id is unknown to MusicBrainz. */
  async artistGenres(artist: { name: string; musicbrainzId?: string }, signal?: AbortSignal): Promise<MusicbrainzArtistGenres> {
    if (artist.musicbrainzId !== undefined) {
      try {
        return await this.artistGenresById(artist.musicbrainzId, signal);
      } catch (error) {
        if (!(error instanceof ProviderError && error.kind === 'not-found')) throw error;
      }
    }
    return this.artistGenresByName(artist.name, signal);
  }

  /** The MusicBrainz id of the artist whose name (or, failing that, an alias) equals `name`. */
  async findArtist(name: string, signal?: AbortSignal): Promise<string> {
    const response = await this.http.request({
      operation: 'artist search',
      url: buildUrl(this.config.url, '/artist', { query: `artist:${phrase(name)}`, limit: SEARCH_LIMIT, fmt: 'json' }),
      schema: searchSchema,
      signal,
    });
    const wanted = normaliseName(name);
    const candidates = response.artists ?? [];
    const exact =
      candidates.find((candidate) => normaliseName(candidate.name) === wanted) ??
      candidates.find((candidate) => (candidate.aliases ?? []).some((alias) => normaliseName(alias.name) === wanted));
    if (exact === undefined) {
      throw new ProviderError({
        provider: 'musicbrainz',
        operation: 'artist search',
        kind: 'not-found',
        code: 'not-found',
        message: `no artist named ${JSON.stringify(name)} among ${candidates.length} results`,
      });
    }
    return exact.id;
  }
}
