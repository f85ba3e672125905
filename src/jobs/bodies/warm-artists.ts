// cache-warm: every artist of the Plex library that the cache lacks (or that expired, or whose
// identity changed in Plex) is fetched through the merge rules and stored, page by page. Plex's details
// are read once per listing page (a batched request), not once per artist.
import { defaultMaxListeners, setMaxListeners } from 'node:events';
import { countArtists } from '../../cache/storage/artist-cache.ts';
import { getArtistsByKeys } from '../../cache/storage/artist-cache.ts';
import { getArtistOverrides } from '../../cache/storage/entry-overrides.ts';
import { readPlexDetails } from '../../enrichment/plex-details.ts';
import { needsRecheck } from '../../enrichment/recheck.ts';
import { normaliseNameKey } from '../../enrichment/text-keys.ts';
import { countEntryFetch } from './count-entry-fetch.ts';
import { EntitySlots } from '../engine/entity-slots.ts';
import type { PlexArtist } from '../../types.ts';
import type { JobContext, JobResult } from '../engine/job-definition.ts';
import { checkpoint } from '../engine/checkpoint.ts';
import { ListingCursor } from '../engine/listing-cursor.ts';
import type { WarmArtistsOptions } from './job-options.ts';
import { dryRunResult, loadArtistPlan } from '../estimate/warm-estimate.ts';
import { WarmRequestTally, previousAsksOf } from './warm-plan.ts';

interface Listed {
  artist: PlexArtist;
  key: string | null;
  /** Position in the Plex listing, for the run's resume point. */
  position: number;
}

// Artists read ahead of the ones being fetched: enough that a page boundary never idles the providers.
const PAGE_OVERLAP = 100;

export async function warmArtists(context: JobContext, options: WarmArtistsOptions): Promise<JobResult> {
  const { deps, progress, signal } = context;
  const { refresher } = deps;
  const plex = deps.providers.require('plex');
  checkpoint(signal);
  const section = await plex.musicSection(signal);
  // A resumed attempt lists from where the last one stopped, passing by what it finished past there.
  const cursor = new ListingCursor(context.resumeFrom);
  progress.trackResumePoint(() => cursor.position());
  // The fresh entries will be skipped: the ETA counts only what is left to fetch.
  if (options.skipCached) {
    const fresh = await countArtists(deps.pool, { expired: false }, { now: deps.clock(), tiers: deps.config.refresh });
    progress.expectSkips(Math.max(0, fresh - progress.fetchedBefore));
  }
  // Slots follow Last.fm's rate (every artist asks it once) up to the configured concurrency.
  const slots = new EntitySlots(options.concurrency, () => deps.providers.limiter('lastfm')?.currentRate);
  // Artists still waiting for a fallback provider do not hold up the next page; this many at most.
  const maxPending = 4 * PAGE_OVERLAP;
  const pending = new Set<Promise<void>>();
  // Every request waiting at a provider's limiter listens to the run's signal: that many, not Node's default ten.
  setMaxListeners(Math.max(maxPending, defaultMaxListeners) * 4, signal);
  // A dry run counts the requests the warm would send, entity by entity, with the warm's own plan.
  const plan = options.dryRun ? await loadArtistPlan(deps) : undefined;
  const tally = plan && new WarmRequestTally(plan.asked, plan.shares);

  for await (const page of plex.artistPages(section.key, { signal, start: cursor.start })) {
    checkpoint(signal);
    if (page.totalSize !== undefined) progress.setTotal(page.totalSize);
    const keyed = page.items
      .map((artist, index) => ({ artist, key: normaliseNameKey(artist.name), position: page.offset + index }))
      .filter(({ artist, position }) => !cursor.finishedEarlier(position, artist.ratingKey));
    for (const { artist, key, position } of keyed) {
      if (key !== null) continue;
      cursor.finish(position, artist.ratingKey);
      progress.fail(artist.name, 'the name has no letters or digits');
    }
    const valid = keyed.filter((item): item is Listed & { key: string } => item.key !== null);

    // One query for the page: what the cache holds, to skip what is fresh and still the same artist.
    const stored = await getArtistsByKeys(
      deps.pool,
      valid.map((item) => item.key),
    );
    const now = deps.clock();
    const toFetch: Array<Listed & { key: string }> = [];
    for (const item of valid) {
      const entry = stored.get(item.key);
      const { artist } = item;
      const fetch =
        !options.skipCached ||
        !entry ||
        needsRecheck(
          { status: entry.status, name: entry.name, musicbrainzId: entry.musicbrainzId, expiresAt: entry.expiresAt },
          { name: artist.name, musicbrainzId: artist.musicbrainzId, plexGenres: [...artist.genres, ...artist.styles] },
          now,
        ) !== null;
      if (fetch) toFetch.push(item);
      else cursor.finish(item.position, artist.ratingKey);
    }
    progress.skip(valid.length - toFetch.length, ['cached']);

    if (tally !== undefined) {
      tally.page(toFetch.length);
      for (const { artist, key } of toFetch) {
        tally.artist({
          previous: previousAsksOf(stored.get(key)?.rawTags),
          plexGenres: artist.genres.length + artist.styles.length > 0,
          musicbrainzId: artist.musicbrainzId !== undefined,
        });
      }
      for (const { artist, position } of toFetch) cursor.finish(position, artist.ratingKey);
      progress.skip(toFetch.length, ['would-fetch']);
      continue;
    }

    // Plex's full tags for the whole page in one batched detail request (list views carry only a few).
    const plexDetails = await readPlexDetails(
      (keys, detailSignal) => plex.artistDetails(keys, detailSignal),
      toFetch.map(({ artist }) => artist.ratingKey),
      signal,
    );
    // The user's pins and blocks of the whole page in one query.
    const overrides = await getArtistOverrides(
      deps.pool,
      toFetch.map((item) => item.key),
    );
    for (const { artist, key, position } of toFetch) {
      const work = (async () => {
        const release = await slots.acquire();
        try {
          checkpoint(signal);
          // Check once more: a lookup or another worker may have stored it since the page was read.
          if (options.skipCached) {
            const latest = (await getArtistsByKeys(deps.pool, [key])).get(key);
            if (latest && latest.expiresAt > deps.clock() && latest.fetchedAt > now) {
              cursor.finish(position, artist.ratingKey);
              progress.skip(1, ['cached']);
              return;
            }
          }
          await countEntryFetch(
            context,
            artist.name,
            () =>
              refresher.refreshArtist(
                {
                  name: artist.name,
                  plexRatingKey: artist.ratingKey,
                  musicbrainzId: artist.musicbrainzId,
                  plex: plexDetails(artist.ratingKey),
                },
                {
                  signal,
                  previousRawTags: stored.get(key)?.rawTags,
                  overrides: overrides.get(key),
                  onFallback: release,
                },
              ),
            () => cursor.finish(position, artist.ratingKey),
          );
        } finally {
          release();
        }
      })();
      pending.add(work);
      void work.then(
        () => pending.delete(work),
        () => pending.delete(work),
      );
      while (pending.size >= maxPending) await Promise.race(pending);
    }
  }
  await Promise.all(pending);

  const done = progress.snapshot();
  if (tally !== undefined) return dryRunResult(deps, 'cache-warm', tally, done);
  const cached = done.sourceCounts.cached ?? 0;
  const failed = done.sourceCounts.failed ?? 0;
  return {
    message: `${done.current} artists: ${done.current - cached - failed} fetched, ${cached} already cached, ${failed} failed`,
  };
}
