// Fetches one artist or album through the merge rules and stores it: the path shared by the warm
// jobs, the refresh job and the API's read-through lookups. Concurrent asks for the same entity in
// this process share one fetch, so a name a running warm is fetching is not fetched twice.
import type { Config } from '../../config.ts';
import type pg from 'pg';
import type { Prisma } from '../../generated/prisma/client.ts';
import { storedRawTags } from '../storage/raw-tags.ts';
import { enrichAlbum, type AlbumEnrichmentInput } from '../../enrichment/enrich-album.ts';
import { enrichArtist, type ArtistEnrichmentInput } from '../../enrichment/enrich-artist.ts';
import { albumFetchers, artistFetchers } from '../../enrichment/provider-fetchers.ts';
import { findAlbumTitlesOfArtist } from '../storage/album-cache.ts';
import { normaliseNameKey } from '../../enrichment/text-keys.ts';
import type { Providers } from '../../providers/create-providers.ts';
import { SingleFlight } from '../../providers/single-flight.ts';
import type { ActiveGenreRules } from './active-genre-rules.ts';
import type { Clock } from '../../types.ts';
import { type AlbumWrite, albumKeyString } from '../storage/album-cache.ts';
import { albumKeyOf } from '../policy/entry-keys.ts';
import { upsertAlbums } from '../storage/album-cache.ts';
import type { ArtistWrite } from '../storage/artist-cache.ts';
import { getArtistsByKeys } from '../storage/artist-cache.ts';
import { upsertArtists } from '../storage/artist-cache.ts';
import { entryExpiry } from '../policy/ttl.ts';
import type { EnrichedEntry, RawTags } from '../../enrichment/entry.ts';
import type { ArtistSource } from '../../enrichment/enrich-artist.ts';
import type { AlbumSource } from '../../enrichment/enrich-album.ts';
import type { EntryOverrides } from '../../enrichment/entry-overrides.ts';

/**
 * What every refresh is told besides the entity. `overrides` is required (undefined: the user set none) so
 * that no caller forgets the user's pins and blocks; callers load them in bulk for their page of entries
 * (src/cache/storage/entry-overrides.ts).
 */
interface RefreshOptions<S extends string> {
  signal?: AbortSignal;
  previousRawTags?: RawTags<S> | Prisma.JsonValue;
  overrides: EntryOverrides | undefined;
}

export interface EntryRefresherDependencies {
  db: pg.Pool;
  providers: Providers;
  config: Config;
  clock: Clock;
  /** The rules version every fetch merges with, read at each fetch (it changes when a version is applied). */
  genreRules: ActiveGenreRules;
}

export class EntryRefresher {
  private readonly artistFlights = new SingleFlight<ArtistWrite>();
  private readonly albumFlights = new SingleFlight<AlbumWrite>();

  constructor(private readonly deps: EntryRefresherDependencies) {}

  /**
   * Enriches and stores one artist. `previousRawTags` (the stored entry's) keep what a provider said
   * before when it fails now, so a throttled refresh never erases Plex moods or Last.fm tags.
   */
  refreshArtist(
    input: ArtistEnrichmentInput,
    options: RefreshOptions<ArtistSource> & { onFallback?: () => void },
  ): Promise<ArtistWrite> {
    const nameKey = normaliseNameKey(input.name);
    if (nameKey === null)
      return Promise.reject(
        new Error(`artist name ${JSON.stringify(input.name)} has no letters or digits to key it by`),
      );
    return this.artistFlights.run(nameKey, async () => {
      const { db, providers, config, clock } = this.deps;
      const albumTitles = () => findAlbumTitlesOfArtist(db, nameKey);
      const entry = await enrichArtist(input, artistFetchers(providers, albumTitles), this.deps.genreRules.settings(), {
        clock,
        signal: options.signal,
        previousRawTags:
          options.previousRawTags === undefined ? undefined : storedRawTags<ArtistSource>(options.previousRawTags),
        onFallback: options.onFallback,
        overrides: options.overrides,
      });
      const write: ArtistWrite = {
        nameKey,
        name: input.name,
        ...storedFields(input, entry, entryExpiry('artist', entry.status, config.ttl, { now: clock })),
      };
      await upsertArtists(db, [write]);
      return write;
    });
  }

  /** Enriches and stores one album; the album artist's cached genres are the last fallback. */
  refreshAlbum(input: AlbumEnrichmentInput, options: RefreshOptions<AlbumSource>): Promise<AlbumWrite> {
    const key = albumKeyOf(input.artistName, input.title);
    if (key === null) {
      return Promise.reject(
        new Error(
          `album ${JSON.stringify(`${input.artistName} - ${input.title}`)} has no letters or digits to key it by`,
        ),
      );
    }
    return this.albumFlights.run(albumKeyString(key), async () => {
      const { db, providers, config, clock } = this.deps;
      const cachedArtistGenres = async () => (await getArtistsByKeys(db, [key.artistKey])).get(key.artistKey)?.genres;
      const entry = await enrichAlbum(
        input,
        albumFetchers(providers, cachedArtistGenres),
        this.deps.genreRules.settings(),
        {
          clock,
          signal: options.signal,
          previousRawTags:
            options.previousRawTags === undefined ? undefined : storedRawTags<AlbumSource>(options.previousRawTags),
          overrides: options.overrides,
        },
      );
      const write: AlbumWrite = {
        ...key,
        artistName: input.artistName,
        title: input.title,
        ...storedFields(input, entry, entryExpiry('album', entry.status, config.ttl, { now: clock })),
      };
      await upsertAlbums(db, [write]);
      return write;
    });
  }
}

/** The columns artists and albums share, from the enriched entry and the Plex identity. */
function storedFields<S extends string>(
  identity: { plexRatingKey?: string; musicbrainzId?: string },
  entry: EnrichedEntry<S>,
  expiresAt: Date,
) {
  return {
    plexRatingKey: identity.plexRatingKey ?? null,
    musicbrainzId: identity.musicbrainzId ?? null,
    genres: entry.genres,
    styles: entry.styles,
    moods: entry.moods,
    facets: entry.facets,
    source: entry.source,
    status: entry.status,
    rawTags: entry.rawTags,
    fetchedAt: entry.fetchedAt,
    expiresAt,
    lastError: entry.lastError,
  };
}
