// Refreshes one cached entry now from the providers, whatever its expiry says: the stored identity (Plex
// ratingKey, MusicBrainz id) and raw tags go in as a scheduled refresh would give them, and so do the
// user's overrides.
import type { EntryRefresher } from '../entry-refresher.ts';
import type pg from 'pg';
import { getAlbumsByKeys, albumKeyString } from '../../storage/album-cache.ts';
import { getArtistsByKeys } from '../../storage/artist-cache.ts';
import type { CorrectedEntry } from './entry-corrections.ts';
import { type EntryNames, findCorrectionTarget } from './entry-target.ts';

export interface RefreshEntryDependencies {
  pool: pg.Pool;
  refresher: EntryRefresher;
}

/** The refreshed entry as stored; a CorrectionError (nothing asked) when the entry is not cached. */
export async function refreshEntry(deps: RefreshEntryDependencies, names: EntryNames): Promise<CorrectedEntry> {
  const target = await findCorrectionTarget(deps.pool, names);
  const { override } = target;
  if (target.kind === 'artist') {
    const { entry } = target;
    await deps.refresher.refreshArtist(
      {
        name: entry.name,
        plexRatingKey: entry.plexRatingKey ?? undefined,
        musicbrainzId: entry.musicbrainzId ?? undefined,
      },
      { previousRawTags: entry.rawTags, overrides: override },
    );
    const stored = (await getArtistsByKeys(deps.pool, [entry.nameKey])).get(entry.nameKey);
    return { kind: 'artist', entry: stored ?? entry };
  }
  const { entry, albumKey } = target;
  await deps.refresher.refreshAlbum(
    {
      artistName: entry.artistName,
      title: entry.title,
      plexRatingKey: entry.plexRatingKey ?? undefined,
      musicbrainzId: entry.musicbrainzId ?? undefined,
    },
    { previousRawTags: entry.rawTags, overrides: override },
  );
  const stored = (await getAlbumsByKeys(deps.pool, [albumKey])).get(albumKeyString(albumKey));
  return { kind: 'album', entry: stored ?? entry };
}
