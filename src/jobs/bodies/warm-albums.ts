// cache-warm-albums: the albums of the library, deduplicated by normalised artist and title,
// fetched through the album rules (Last.fm, Plex, then the artist's cached genres) and stored.
import PQueue from 'p-queue';
import { countAlbums } from '../../cache/storage/album-cache.ts';
import { type AlbumKey, albumKeyString } from '../../cache/storage/album-cache.ts';
import { getAlbumsByKeys } from '../../cache/storage/album-cache.ts';
import { getAlbumOverrides } from '../../cache/storage/entry-overrides.ts';
import { albumKeyOf } from '../../cache/policy/entry-keys.ts';
import { readPlexDetails } from '../../enrichment/plex-details.ts';
import { countEntryFetch } from './count-entry-fetch.ts';
import type { PlexAlbum } from '../../types.ts';
import type { JobContext, JobResult } from '../engine/job-definition.ts';
import { checkpoint } from '../engine/checkpoint.ts';
import { ListingCursor } from '../engine/listing-cursor.ts';
import type { WarmAlbumsOptions } from './job-options.ts';
import { askedProviders, dryRunResult } from '../estimate/warm-estimate.ts';
import { ASSUMED_FALLBACK_SHARES, WarmRequestTally } from './warm-plan.ts';

export async function warmAlbums(context: JobContext, options: WarmAlbumsOptions): Promise<JobResult> {
  const { deps, progress, signal } = context;
  const { refresher } = deps;
  const plex = deps.providers.require('plex');
  checkpoint(signal);
  const section = await plex.musicSection(signal);
  const queue = new PQueue({ concurrency: options.concurrency });
  // A resumed attempt lists from where the last one stopped, passing by what it finished past there.
  const cursor = new ListingCursor(context.resumeFrom);
  progress.trackResumePoint(() => cursor.position());
  // The fresh entries will be skipped: the ETA counts only what is left to fetch.
  if (options.skipCached) {
    const fresh = await countAlbums(deps.pool, { expired: false }, { now: deps.clock(), tiers: deps.config.refresh });
    progress.expectSkips(Math.max(0, fresh - progress.fetchedBefore));
  }
  // Keys already handled in this attempt: the same album can be listed twice (editions, duplicates).
  // A resumed attempt finds the twin of one listed before its start stored, and skips it as cached.
  const seen = new Set<string>();
  // A dry run counts the requests the warm would send with the warm's own plan (albums have no fallbacks).
  const tally = options.dryRun ? new WarmRequestTally(askedProviders(deps), ASSUMED_FALLBACK_SHARES) : undefined;

  for await (const page of plex.albumPages(section.key, { signal, start: cursor.start })) {
    checkpoint(signal);
    if (page.totalSize !== undefined) progress.setTotal(page.totalSize);
    const unique: Array<{ album: PlexAlbum; key: AlbumKey; position: number }> = [];
    for (const [index, album] of page.items.entries()) {
      const position = page.offset + index;
      if (cursor.finishedEarlier(position, album.ratingKey)) continue;
      const key = albumKeyOf(album.artistName, album.title);
      if (key === null) {
        cursor.finish(position, album.ratingKey);
        progress.fail(`${album.artistName} - ${album.title}`, 'the artist or title has no letters or digits');
        continue;
      }
      if (seen.has(albumKeyString(key))) {
        cursor.finish(position, album.ratingKey);
        progress.skip(1, ['duplicate']);
        continue;
      }
      seen.add(albumKeyString(key));
      unique.push({ album, key, position });
    }

    const stored = await getAlbumsByKeys(
      deps.pool,
      unique.map((item) => item.key),
    );
    const now = deps.clock();
    const toFetch = unique.filter(({ key }) => {
      const entry = stored.get(albumKeyString(key));
      return !options.skipCached || !entry || entry.expiresAt <= now;
    });
    for (const item of unique) if (!toFetch.includes(item)) cursor.finish(item.position, item.album.ratingKey);
    progress.skip(unique.length - toFetch.length, ['cached']);
    if (tally !== undefined) {
      tally.page(toFetch.length);
      tally.albums(toFetch.length);
      for (const { album, position } of toFetch) cursor.finish(position, album.ratingKey);
      progress.skip(toFetch.length, ['would-fetch']);
      continue;
    }

    // Plex's full tags for the whole page in one batched detail request (list views carry only a few).
    const plexDetails = await readPlexDetails(
      (keys, detailSignal) => plex.albumDetails(keys, detailSignal),
      toFetch.map(({ album }) => album.ratingKey),
      signal,
    );
    // The user's pins and blocks of the whole page in one query.
    const overrides = await getAlbumOverrides(
      deps.pool,
      toFetch.map((item) => item.key),
    );
    await Promise.all(
      toFetch.map(({ album, key, position }) =>
        queue.add(() =>
          countEntryFetch(
            context,
            `${album.artistName} - ${album.title}`,
            () =>
              refresher.refreshAlbum(
                {
                  artistName: album.artistName,
                  title: album.title,
                  plexRatingKey: album.ratingKey,
                  musicbrainzId: album.musicbrainzId,
                  plex: plexDetails(album.ratingKey),
                },
                {
                  signal,
                  previousRawTags: stored.get(albumKeyString(key))?.rawTags,
                  overrides: overrides.get(albumKeyString(key)),
                },
              ),
            () => cursor.finish(position, album.ratingKey),
          ),
        ),
      ),
    );
  }
  const done = progress.snapshot();
  if (tally !== undefined) return dryRunResult(deps, 'cache-warm-albums', tally, done);
  const skipped = (done.sourceCounts.cached ?? 0) + (done.sourceCounts.duplicate ?? 0);
  const failed = done.sourceCounts.failed ?? 0;
  return {
    message: `${done.current} albums: ${done.current - skipped - failed} fetched, ${skipped} cached or duplicate, ${failed} failed`,
  };
}
