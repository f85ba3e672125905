// The real provider clients as the fetchers the merge rules ask. A provider that is not configured
// has no fetcher, and so is simply skipped.
import type { Providers } from '../providers/index.ts';
import { ProviderError } from '../providers/errors.ts';
import type { AlbumFetchers } from './enrich-album.ts';
import type { ArtistFetchers } from './enrich-artist.ts';

function noPlexItem(): never {
  // Plex is read by ratingKey; an entity asked for by name alone (an API lookup) has none to read.
  throw new ProviderError({ provider: 'plex', kind: 'not-found', code: 'not-found', message: 'no Plex ratingKey for this entity' });
}

export function artistFetchers(providers: Providers): ArtistFetchers {
  const { plex, lastfm, musicbrainz, spotify } = providers;
  return {
    plex: plex && ((identity, signal) => (identity.plexRatingKey ? plex.artist(identity.plexRatingKey, signal) : noPlexItem())),
    lastfm: lastfm && ((identity, signal) => lastfm.artistTopTags(identity.name, signal)),
    musicbrainz:
      musicbrainz && ((identity, signal) => musicbrainz.artistGenres({ name: identity.name, musicbrainzId: identity.musicbrainzId }, signal)),
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
export function albumFetchers(
  providers: Providers,
  artistGenres: AlbumFetchers['artistGenres'],
): AlbumFetchers {
  const { plex, lastfm } = providers;
  return {
    lastfm: lastfm && ((identity, signal) => lastfm.albumTopTags(identity.artistName, identity.title, signal)),
    plex: plex && ((identity, signal) => (identity.plexRatingKey ? plex.album(identity.plexRatingKey, signal) : noPlexItem())),
    artistGenres,
  };
}
