// cache-warm: every artist of the Plex library that the cache lacks (or that expired, or whose
// identity changed in Plex) is fetched through the merge rules and stored, page by page. Plex's details
// are read once per listing page (a batched request), not once per artist.
import pLimit from 'p-limit';
import { getArtistsByKeys } from '../cache/artists/get-artists-by-keys.ts';
import { readPlexDetails } from '../enrichment/plex-details.ts';
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
    progress.advance(valid.length - toFetch.length, ['cached']);

    if (options.dryRun) {
      wouldFetch += toFetch.length;
      progress.advance(toFetch.length, ['would-fetch']);
      continue;
    }

    // Plex's full tags for the whole page in one batched detail request (list views carry only a few).
    const plexDetails = await readPlexDetails(
      (keys, detailSignal) => plex.artistDetails(keys, detailSignal),
      toFetch.map(({ artist }) => artist.ratingKey),
      signal,
    );
    await Promise.all(
      toFetch.map(({ artist, key }) =>
        limit(async () => {
          checkpoint(signal);
          // Check once more: a lookup or another worker may have stored it since the page was read.
          if (options.skipCached) {
            const latest = (await getArtistsByKeys(deps.pool, [key])).get(key);
            if (latest && latest.expiresAt > deps.clock() && latest.fetchedAt > now) {
              progress.advance(1, ['cached']);
              return;
            }
          }
          await countEntryFetch(context, artist.name, () =>
            refresher.refreshArtist(
              {
                name: artist.name,
                plexRatingKey: artist.ratingKey,
                musicbrainzId: artist.musicbrainzId,
                plex: plexDetails(artist.ratingKey),
              },
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
