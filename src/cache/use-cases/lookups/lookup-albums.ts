// The read-through lookup of albums (the API's lookupAlbums): as lookupArtists, keyed by (artist, title).
import PQueue from 'p-queue';
import { redact } from '../../../providers/errors.ts';
import { type ProviderWait, runInteractive } from '../../../providers/request-lane.ts';
import { type AlbumEntry, albumKeyString } from '../../storage/album-cache.ts';
import { getAlbumsByKeys } from '../../storage/album-cache.ts';
import { getAlbumOverrides } from '../../storage/entry-overrides.ts';
import { albumKeyOf } from '../../policy/entry-keys.ts';
import type { LookupDependencies } from './lookup-artists.ts';
import type { LookupResult } from './lookup-outcome.ts';
import { settleLookups } from './settle-lookups.ts';

export interface AlbumRequest {
  artist: string;
  title: string;
}

/** The album as asked, with what the lookup did for it. */
export type AlbumLookupResult = LookupResult<AlbumEntry> & AlbumRequest;

export async function lookupAlbums(
  deps: LookupDependencies,
  albums: readonly AlbumRequest[],
): Promise<AlbumLookupResult[]> {
  const keyed = albums.map((album) => {
    const key = albumKeyOf(album.artist, album.title);
    return { album, key, keyString: key === null ? null : albumKeyString(key) };
  });
  const unique = new Map(
    keyed.flatMap((item) => (item.key && item.keyString ? [[item.keyString, item.key] as const] : [])),
  );
  const stored = await getAlbumsByKeys(deps.db, [...unique.values()]);
  const now = deps.clock();

  const toFetch = new Map<string, AlbumRequest>();
  for (const { album, keyString } of keyed) {
    if (keyString === null || toFetch.has(keyString)) continue;
    const entry = stored.get(keyString);
    if (!entry || entry.expiresAt <= now) toFetch.set(keyString, album);
  }
  // The user's pins and blocks of everything to fetch, in one query.
  const overrides = await getAlbumOverrides(
    deps.db,
    [...toFetch.keys()].flatMap((keyString) => {
      const key = unique.get(keyString);
      return key === undefined ? [] : [key];
    }),
  );
  const queue = new PQueue({ concurrency: deps.concurrency });
  const failures = new Map<string, string>();
  const waits = new Map<string, ProviderWait[]>();
  await Promise.all(
    [...toFetch].map(([keyString, album]) =>
      queue.add(async () => {
        const previous = stored.get(keyString);
        // In the interactive lane: these requests go ahead of a running warm's (request-lane.ts).
        const { value: failure, waits: waited } = await runInteractive(async () => {
          try {
            await deps.refresher.refreshAlbum(
              {
                artistName: previous?.artistName ?? album.artist,
                title: previous?.title ?? album.title,
                plexRatingKey: previous?.plexRatingKey ?? undefined,
                musicbrainzId: previous?.musicbrainzId ?? undefined,
              },
              { previousRawTags: previous?.rawTags, overrides: overrides.get(keyString) },
            );
            return undefined;
          } catch (error) {
            return redact(error instanceof Error ? error.message : String(error));
          }
        });
        if (failure !== undefined) failures.set(keyString, failure);
        waits.set(keyString, waited);
      }),
    ),
  );
  const fetchedKeys = [...toFetch.keys()]
    .filter((key) => !failures.has(key))
    .flatMap((key) => {
      const albumKey = unique.get(key);
      return albumKey ? [albumKey] : [];
    });
  const fetched = fetchedKeys.length > 0 ? await getAlbumsByKeys(deps.db, fetchedKeys) : new Map<string, AlbumEntry>();
  const results = settleLookups(
    keyed.map(({ album, keyString }) => ({ name: `${album.artist} - ${album.title}`, key: keyString })),
    { stored, fetched, failures, waits, now },
  );
  return results.map((result, index) => ({
    ...result,
    artist: albums[index]?.artist ?? '',
    title: albums[index]?.title ?? '',
  }));
}
