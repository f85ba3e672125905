// cache-refresh: re-fetches (for real, not through the "still fresh" read path) the entries the
// planner picks: hot first, then warm, each by soonest expiry, with a budget that rises above
// HOURLY_REFRESH_LIMIT when that is what keeps them fresh. Plex is re-read for every entry that has
// a ratingKey, and each provider's earlier answer is kept if it fails now.
import PQueue from 'p-queue';
import { expiryHistogram } from '../../cache/storage/refresh-candidates.ts';
import { selectAlbumsToRefresh, selectArtistsToRefresh } from '../../cache/storage/refresh-candidates.ts';
import { planRefresh } from '../../cache/policy/refresh-planner.ts';
import { histogramFromRows, selectionParameters } from '../../cache/policy/refresh-selection.ts';
import { countEntryFetch } from './count-entry-fetch.ts';
import { getAlbumOverrides, getArtistOverrides } from '../../cache/storage/entry-overrides.ts';
import { albumKeyString } from '../../cache/policy/entry-keys.ts';
import type { EntryStatus } from '../../types.ts';
import type { JobContext, JobResult } from '../engine/job-definition.ts';
import { checkpoint } from '../engine/checkpoint.ts';
import type { RefreshOptions } from './job-options.ts';

// What one run may spend: half an hour of Last.fm's budget (the refresh runs hourly and must leave
// room for warms and API lookups). Without Last.fm, a conservative 1 request per second.
const RUN_BUDGET_SECONDS = 1_800;

export async function refreshExpiring(context: JobContext, options: RefreshOptions): Promise<JobResult> {
  const { deps, progress, signal } = context;
  const { refresher } = deps;
  const now = deps.clock();
  const tierSettings = deps.config.refresh;
  const bounds = selectionParameters({ limit: 0, expiresBefore: now }, now, tierSettings);
  checkpoint(signal);
  const [artistRows, albumRows] = await Promise.all([
    expiryHistogram(deps.pool, 'artist_cache', now, bounds),
    expiryHistogram(deps.pool, 'album_cache', now, bounds),
  ]);
  const lastfmRate = deps.config.providers.lastfm?.requestsPerSecond ?? 1;
  const plan = planRefresh(
    [
      { name: 'artists' as const, histogram: histogramFromRows(artistRows), requestsPerEntry: 2.2 },
      { name: 'albums' as const, histogram: histogramFromRows(albumRows), requestsPerEntry: 2 },
    ],
    {
      now,
      lookaheadHours: options.lookaheadDays * 24,
      floor: deps.config.refresh.hourlyLimit,
      requestCap: Math.floor(lastfmRate * RUN_BUDGET_SECONDS),
      refreshCold: tierSettings.refreshCold,
    },
  );

  let remaining = options.limit ?? Number.POSITIVE_INFINITY;
  const artistSelection = plan.selections.find((selection) => selection.name === 'artists');
  const albumSelection = plan.selections.find((selection) => selection.name === 'albums');
  const artistLimit = Math.min(artistSelection?.limit ?? 0, remaining);
  remaining -= artistLimit;
  const albumLimit = Math.min(albumSelection?.limit ?? 0, remaining);

  const [artists, albums] = await Promise.all([
    artistLimit > 0 && artistSelection
      ? selectArtistsToRefresh(
          deps.pool,
          selectionParameters({ limit: artistLimit, expiresBefore: artistSelection.expiresBefore }, now, tierSettings),
        )
      : [],
    albumLimit > 0 && albumSelection
      ? selectAlbumsToRefresh(
          deps.pool,
          selectionParameters({ limit: albumLimit, expiresBefore: albumSelection.expiresBefore }, now, tierSettings),
        )
      : [],
  ]);
  // The user's pins and blocks of every selected entry, in one query per table.
  const [artistOverrides, albumOverrides] = await Promise.all([
    getArtistOverrides(
      deps.pool,
      artists.map((artist) => artist.nameKey),
    ),
    getAlbumOverrides(deps.pool, albums),
  ]);
  progress.setTotal(artists.length + albums.length);
  progress.setMessage(
    `plan: ${plan.budget} entries (${plan.reason}), ${plan.dueWithinLookahead} due within ${options.lookaheadDays} days`,
  );

  const queue = new PQueue({ concurrency: options.concurrency });
  const refreshOne = (label: string, work: () => Promise<{ source: string; status: EntryStatus }>) =>
    queue.add(() => countEntryFetch(context, label, work));
  await Promise.all([
    ...artists.map((artist) =>
      refreshOne(artist.name, () =>
        refresher.refreshArtist(
          {
            name: artist.name,
            plexRatingKey: artist.plexRatingKey ?? undefined,
            musicbrainzId: artist.musicbrainzId ?? undefined,
          },
          { signal, previousRawTags: artist.rawTags, overrides: artistOverrides.get(artist.nameKey) },
        ),
      ),
    ),
    ...albums.map((album) =>
      refreshOne(`${album.artistName} - ${album.title}`, () =>
        refresher.refreshAlbum(
          {
            artistName: album.artistName,
            title: album.title,
            plexRatingKey: album.plexRatingKey ?? undefined,
            musicbrainzId: album.musicbrainzId ?? undefined,
          },
          { signal, previousRawTags: album.rawTags, overrides: albumOverrides.get(albumKeyString(album)) },
        ),
      ),
    ),
  ]);
  const done = progress.snapshot();
  return {
    message: `refreshed ${done.current - (done.sourceCounts.failed ?? 0)} of ${done.total} (${artists.length} artists, ${albums.length} albums; plan ${plan.reason}, budget ${plan.budget})`,
  };
}
