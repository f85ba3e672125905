// cache-warm: every artist of the Plex library that the cache lacks (or that expired, or whose
// identity changed in Plex) is fetched through the merge rules and stored, page by page.
import pLimit from 'p-limit';
import { countArtists } from '../cache/artists/count-artists.ts';
import { getArtistsByKeys } from '../cache/artists/get-artists-by-keys.ts';
import { needsRecheck } from '../enrichment/recheck.ts';
import { normaliseNameKey } from '../enrichment/text-keys.ts';
import { countEntryFetch } from './count-entry-fetch.ts';
import type { PlexArtist } from '../types.ts';
import { checkpoint, type JobContext, type JobResult } from './dependencies.ts';
import type { WarmArtistsOptions } from './job-options.ts';

export async function warmArtists(context: JobContext, options: WarmArtistsOptions): Promise<JobResult> {
  const { deps, progress, signal } = context;
  const { refresher } = deps;
  const plex = deps.providers.require('plex');
  checkpoint(signal);
  const section = await plex.musicSection(signal);
  const limit = pLimit(options.concurrency);
  // The fresh entries will be skipped: the ETA counts only what is left to fetch.
  if (options.skipCached) {
    progress.expectSkips(await countArtists(deps.pool, { expired: false }, { now: deps.clock(), tiers: deps.config.refresh }));
  }
  let wouldFetch = 0;

  for await (const page of plex.artistPages(section.key, { signal })) {
    checkpoint(signal);
    if (page.totalSize !== undefined) progress.setTotal(page.totalSize);
    const keyed = page.items.map((artist) => ({ artist, key: normaliseNameKey(artist.name) }));
    for (const { artist, key } of keyed) if (key === null) progress.fail(artist.name, 'the name has no letters or digits');
    const valid = keyed.filter((item): item is { artist: PlexArtist; key: string } => item.key !== null);

    // One query for the page: what the cache holds, to skip what is fresh and still the same artist.
    const stored = await getArtistsByKeys(deps.pool, valid.map((item) => item.key));
    const now = deps.clock();
    const toFetch = valid.filter(({ artist, key }) => {
      const entry = stored.get(key);
      if (!options.skipCached || !entry) return true;
      const reason = needsRecheck(
        { status: entry.status, name: entry.name, musicbrainzId: entry.musicbrainzId, expiresAt: entry.expiresAt },
        { name: artist.name, musicbrainzId: artist.musicbrainzId, plexGenres: [...artist.genres, ...artist.styles] },
        now,
      );
      return reason !== null;
    });
    progress.skip(valid.length - toFetch.length, ['cached']);

    if (options.dryRun) {
      wouldFetch += toFetch.length;
      progress.skip(toFetch.length, ['would-fetch']);
      continue;
    }

    await Promise.all(
      toFetch.map(({ artist, key }) =>
        limit(async () => {
          checkpoint(signal);
          // Check once more: a lookup or another worker may have stored it since the page was read.
          if (options.skipCached) {
            const latest = (await getArtistsByKeys(deps.pool, [key])).get(key);
            if (latest && latest.expiresAt > deps.clock() && latest.fetchedAt > now) {
              progress.skip(1, ['cached']);
              return;
            }
          }
          await countEntryFetch(context, artist.name, () =>
            refresher.refreshArtist(
              { name: artist.name, plexRatingKey: artist.ratingKey, musicbrainzId: artist.musicbrainzId },
              { signal, previousRawTags: stored.get(key)?.rawTags },
            ),
          );
        }),
      ),
    );
  }

  const done = progress.snapshot();
  if (options.dryRun) return { message: `dry run: ${wouldFetch} of ${done.total} artists would be fetched` };
  const cached = done.sourceCounts.cached ?? 0;
  const failed = done.sourceCounts.failed ?? 0;
  return { message: `${done.current} artists: ${done.current - cached - failed} fetched, ${cached} already cached, ${failed} failed` };
}
