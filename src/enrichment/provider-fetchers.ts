// The real provider clients as the fetchers the merge rules ask. A provider that is not configured
// has no fetcher, and so is simply skipped.
import type { Providers } from '../providers/create-providers.ts';
import { ProviderError } from '../providers/errors.ts';
import type { AlbumFetchers } from './enrich-album.ts';
import type { ArtistFetchers, ArtistIdentity } from './enrich-artist.ts';

function noPlexItem(): never {
  // Plex is read by ratingKey; an entity asked for by name alone (an API lookup) has none to read.
  throw new ProviderError({
    provider: 'plex',
    kind: 'not-found',
    code: 'not-found',
    message: 'no Plex ratingKey for this entity',
  });
}

/**
 * `albumTitles` reads the artist's album titles from the cache (never a provider call): the evidence
 * that tells MusicBrainz namesakes apart.
 */
export function artistFetchers(
  providers: Providers,
  albumTitles?: (identity: ArtistIdentity) => Promise<readonly string[]>,
): ArtistFetchers {
  const { plex, lastfm, musicbrainz, spotify } = providers;
  return {
    plex:
      plex &&
      ((identity, signal) => (identity.plexRatingKey ? plex.artist(identity.plexRatingKey, signal) : noPlexItem())),
    lastfm: lastfm && ((identity, signal) => lastfm.artistTopTags(identity.name, signal)),
    musicbrainz:
      musicbrainz &&
      (async (identity, signal) => {
        const answer = await musicbrainz.artistGenres(
          {
            name: identity.name,
            musicbrainzId: identity.musicbrainzId,
            albumTitles: albumTitles && (() => albumTitles(identity)),
          },
          signal,
        );
        return answer.outcome === 'genres'
          ? { genres: answer.genres }
          : {
              outcome: 'cannot-say',
              reason: `ambiguous: ${answer.candidates.length} MusicBrainz artists are named ${JSON.stringify(answer.name)}`,
            };
      }),
    spotify:
      spotify &&
      (async (identity, signal) => {
        const answer = await spotify.artistGenres(identity.name, signal);
        return answer.outcome === 'genres'
          ? { outcome: 'genres', genres: answer.genres }
          : { outcome: 'cannot-say', reason: answer.reason };
      }),
  };
}

/** `artistGenres` reads the artist's cached genres (never a provider call). */
export function albumFetchers(providers: Providers, artistGenres: AlbumFetchers['artistGenres']): AlbumFetchers {
  const { plex, lastfm } = providers;
  return {
    lastfm: lastfm && ((identity, signal) => lastfm.albumTopTags(identity.artistName, identity.title, signal)),
    plex:
      plex &&
      ((identity, signal) => (identity.plexRatingKey ? plex.album(identity.plexRatingKey, signal) : noPlexItem())),
    artistGenres,
  };
}
