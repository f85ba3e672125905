// Finds the cached artist or album that a correction (pin, block, forced refresh) is about, by the names
// an app gives, and the overrides the user has set on it.
import type pg from 'pg';
import { albumKeyOf, type AlbumKey } from '../../policy/entry-keys.ts';
import { type AlbumEntry, getAlbumsByKeys, albumKeyString } from '../../storage/album-cache.ts';
import { type ArtistEntry, getArtistsByKeys } from '../../storage/artist-cache.ts';
import { getOverride, type OverrideTarget } from '../../storage/entry-overrides.ts';
import type { EntryOverrides } from '../../../enrichment/entry-overrides.ts';
import { normaliseNameKey } from '../../../enrichment/text-keys.ts';

/** An entry by the names an app spells: the artist alone, or one of its albums. */
export interface EntryNames {
  artist: string;
  album: string | null;
}

/** Why a correction was refused; nothing was changed. */
export class CorrectionError extends Error {
  override name = 'CorrectionError';
  constructor(
    readonly reason: 'invalid-input' | 'not-found',
    /** The argument at fault (artist, album, genres.2, tag). */
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export type CorrectionTarget = { override: EntryOverrides | undefined; key: OverrideTarget } & (
  | { kind: 'artist'; entry: ArtistEntry }
  | { kind: 'album'; entry: AlbumEntry; albumKey: AlbumKey }
);

function described(names: EntryNames): string {
  return names.album === null
    ? `artist ${JSON.stringify(names.artist)}`
    : `album ${JSON.stringify(`${names.artist} - ${names.album}`)}`;
}

/** The stored entry and its overrides; a CorrectionError when the names key nothing or nothing is cached. */
export async function findCorrectionTarget(pool: pg.Pool, names: EntryNames): Promise<CorrectionTarget> {
  const artistKey = normaliseNameKey(names.artist);
  if (artistKey === null)
    throw new CorrectionError('invalid-input', 'artist', 'artist: the name has no letters or digits');
  if (names.album === null) {
    const entry = (await getArtistsByKeys(pool, [artistKey])).get(artistKey);
    if (entry === undefined) throw new CorrectionError('not-found', 'artist', `no cached ${described(names)}`);
    const key = { artistKey, titleKey: null };
    return { kind: 'artist', entry, key, override: await getOverride(pool, key) };
  }
  const albumKey = albumKeyOf(names.artist, names.album);
  if (albumKey === null)
    throw new CorrectionError('invalid-input', 'album', 'album: the title has no letters or digits');
  const entry = (await getAlbumsByKeys(pool, [albumKey])).get(albumKeyString(albumKey));
  if (entry === undefined) throw new CorrectionError('not-found', 'album', `no cached ${described(names)}`);
  const key = { artistKey: albumKey.artistKey, titleKey: albumKey.titleKey };
  return { kind: 'album', entry, albumKey, key, override: await getOverride(pool, key) };
}

/** A stable id of the entry for NOT_FOUND errors: the keys it would have. */
export function targetId(names: EntryNames): string {
  const artistKey = normaliseNameKey(names.artist) ?? names.artist;
  return names.album === null ? artistKey : `${artistKey}/${normaliseNameKey(names.album) ?? names.album}`;
}
