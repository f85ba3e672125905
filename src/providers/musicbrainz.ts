// MusicBrainz artist genres: by MusicBrainz id (Plex's `mbid://` Guid) or by an exact-name search. Several
// artists may share a name (there are two Nirvanas): then the one whose release groups hold the Plex
// library's album titles is taken, and when nothing decides, the answer is "ambiguous", never a guess.
// No key; a User-Agent with a contact is mandatory (set by the factory), 1 request/s.
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
  outcome: 'genres';
  mbid: string;
  name: string;
  genres: WeightedTag[];
  matchedBy: 'mbid' | 'name';
}

/** Several artists have the name, and no evidence tells which one is meant. */
export interface MusicbrainzAmbiguity {
  outcome: 'ambiguous';
  name: string;
  candidates: Array<{ mbid: string; disambiguation: string | undefined }>;
}

export type MusicbrainzArtistAnswer = MusicbrainzArtistGenres | MusicbrainzAmbiguity;

export interface MusicbrainzArtistQuery {
  name: string;
  musicbrainzId?: string;
  /** The artist's album titles in the Plex library, asked for only when several artists share the name. */
  albumTitles?: () => Promise<readonly string[]>;
}

const MBID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SEARCH_LIMIT = 10;
// Namesakes whose release groups are read (one request each, at 1 request/s): more is rare and costly.
const MAX_NAMESAKES = 4;
const RELEASE_GROUP_PAGE = 100;

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
        disambiguation: z.string().optional().nullable(),
        aliases: z
          .array(z.object({ name: z.string() }))
          .optional()
          .nullable(),
      }),
    )
    .optional()
    .nullable(),
});

const releaseGroupsSchema = z.object({
  'release-group-count': z.number().optional(),
  'release-groups': z.array(z.object({ id: z.string(), title: z.string() })),
});

/** A Lucene phrase for MusicBrainz's search: only `\` and `"` need escaping inside quotes. */
function phrase(value: string): string {
  return `"${value.replace(/[\\"]/g, (character) => `\\${character}`)}"`;
}

export class MusicbrainzClient {
  readonly provider = 'musicbrainz' as const;
  private readonly byIdFlights = new SingleFlight<MusicbrainzArtistGenres>();
  private readonly byNameFlights = new SingleFlight<MusicbrainzArtistAnswer>();

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
        outcome: 'genres',
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
   * search and then looked up by id (search results carry no genres). No exact match → 'not-found';
   * several and nothing to tell them apart → `ambiguous`.
   */
  artistGenresByName(
    name: string,
    signal?: AbortSignal,
    albumTitles?: () => Promise<readonly string[]>,
  ): Promise<MusicbrainzArtistAnswer> {
    return this.byNameFlights.run(normaliseName(name), async () => {
      const found = await this.findArtist(name, signal, albumTitles);
      if (typeof found !== 'string') return found;
      const genres = await this.artistGenresById(found, signal);
      return { ...genres, matchedBy: 'name' };
    });
  }

  /** By id when one is known, falling back to the name when the id is unknown to MusicBrainz. */
  async artistGenres(artist: MusicbrainzArtistQuery, signal?: AbortSignal): Promise<MusicbrainzArtistAnswer> {
    if (artist.musicbrainzId !== undefined) {
      try {
        return await this.artistGenresById(artist.musicbrainzId, signal);
      } catch (error) {
        if (!(error instanceof ProviderError && error.kind === 'not-found')) throw error;
      }
    }
    return this.artistGenresByName(artist.name, signal, artist.albumTitles);
  }

  /**
   * The MusicBrainz id of the artist whose name (or, failing that, an alias) equals `name`; among
   * namesakes, the one whose release groups hold the most of the library's album titles.
   */
  async findArtist(
    name: string,
    signal?: AbortSignal,
    albumTitles?: () => Promise<readonly string[]>,
  ): Promise<string | MusicbrainzAmbiguity> {
    const response = await this.http.request({
      operation: 'artist search',
      url: buildUrl(this.config.url, '/artist', { query: `artist:${phrase(name)}`, limit: SEARCH_LIMIT, fmt: 'json' }),
      schema: searchSchema,
      signal,
    });
    const wanted = normaliseName(name);
    const candidates = response.artists ?? [];
    const byName = candidates.filter((candidate) => normaliseName(candidate.name) === wanted);
    const matches =
      byName.length > 0
        ? byName
        : candidates.filter((candidate) =>
            (candidate.aliases ?? []).some((alias) => normaliseName(alias.name) === wanted),
          );
    // The same artist may come back twice (by name and by alias); namesakes are different ids.
    const distinct = [...new Map(matches.map((candidate) => [candidate.id, candidate])).values()];
    const [only] = distinct;
    if (only === undefined) {
      throw new ProviderError({
        provider: 'musicbrainz',
        operation: 'artist search',
        kind: 'not-found',
        code: 'not-found',
        message: `no artist named ${JSON.stringify(name)} among ${candidates.length} results`,
      });
    }
    if (distinct.length === 1) return only.id;
    const ambiguity: MusicbrainzAmbiguity = {
      outcome: 'ambiguous',
      name,
      candidates: distinct.map((candidate) => ({
        mbid: candidate.id,
        disambiguation: candidate.disambiguation ?? undefined,
      })),
    };
    const titles = new Set(
      (albumTitles === undefined ? [] : await albumTitles()).map(normaliseName).filter((title) => title !== ''),
    );
    if (titles.size === 0) return ambiguity;
    const scored: Array<{ id: string; matching: number }> = [];
    for (const candidate of distinct.slice(0, MAX_NAMESAKES)) {
      const groups = await this.releaseGroupTitles(candidate.id, signal);
      scored.push({ id: candidate.id, matching: groups.filter((title) => titles.has(normaliseName(title))).length });
    }
    scored.sort((a, b) => b.matching - a.matching);
    const [best, runnerUp] = scored;
    if (best === undefined || best.matching === 0 || (runnerUp !== undefined && runnerUp.matching === best.matching))
      return ambiguity;
    return best.id;
  }

  /** The titles of an artist's release groups (the first hundred: enough to recognise a library's albums). */
  private async releaseGroupTitles(mbid: string, signal: AbortSignal | undefined): Promise<string[]> {
    const response = await this.http.request({
      operation: 'release-group browse',
      url: buildUrl(this.config.url, '/release-group', { artist: mbid, limit: RELEASE_GROUP_PAGE, fmt: 'json' }),
      schema: releaseGroupsSchema,
      signal,
    });
    return response['release-groups'].map((group) => group.title);
  }
}
