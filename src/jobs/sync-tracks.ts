// track-stats-refresh (daily) and track-static-refresh (weekly): every track of the Plex library,
// page by page, upserted one page per statement; a complete listing removes tracks gone from Plex.
import { trackStaticExpiry, trackStatsExpiry } from '../cache/ttl.ts';
import { removeUnseenTracks } from '../cache/tracks/remove-unseen-tracks.ts';
import { type TrackTier, type TrackWrite, upsertTrackPage } from '../cache/tracks/upsert-track-page.ts';
import { normaliseNameKey } from '../enrichment/text-keys.ts';
import type { PlexTrack } from '../types.ts';
import type { Queryable } from '../db/queryable.ts';
import { checkpoint, type JobContext, type JobResult } from './dependencies.ts';

async function databaseNow(db: Queryable): Promise<Date> {
  const { rows } = await db.query<{ now: Date }>('SELECT now() AS now');
  return rows[0]?.now ?? new Date();
}

function trackWrite(track: PlexTrack, context: JobContext, now: Date): TrackWrite {
  const ttl = context.deps.config.ttl;
  return {
    ratingKey: track.ratingKey,
    title: track.title,
    artistName: track.artistName,
    albumTitle: track.albumTitle ?? null,
    // A name that normalises to nothing gets an empty key, which never matches an artist entry.
    artistKey: normaliseNameKey(track.artistName) ?? '',
    albumKey: track.albumTitle === undefined ? null : normaliseNameKey(track.albumTitle),
    trackNumber: track.trackNumber ?? null,
    discNumber: track.discNumber ?? null,
    durationMs: track.durationMs ?? null,
    year: track.year ?? null,
    musicbrainzId: track.musicbrainzId ?? null,
    genres: track.genres,
    moods: track.moods,
    staticExpiresAt: trackStaticExpiry(ttl, { now: () => now }),
    userRating: track.userRating ?? null,
    viewCount: track.viewCount,
    skipCount: track.skipCount,
    lastViewedAt: track.lastViewedAt ?? null,
    statsExpiresAt: trackStatsExpiry(ttl, { now: () => now }),
  };
}

export async function syncTracks(context: JobContext, tier: TrackTier): Promise<JobResult> {
  const { deps, progress, signal } = context;
  const plex = deps.providers.require('plex');
  checkpoint(signal);
  const section = await plex.musicSection(signal);
  // The database's clock, not this process's: another process's sync writes plex_seen_at with it too.
  const listingStartedAt = await databaseNow(deps.pool);
  let added = 0;
  let seen = 0;
  let expected: number | undefined;
  for await (const page of plex.trackPages(section.key, { signal })) {
    checkpoint(signal);
    if (page.totalSize !== undefined) {
      expected = page.totalSize;
      progress.setTotal(page.totalSize);
    }
    seen += page.items.length;
    const now = deps.clock();
    const writes = page.items.map((track) => trackWrite(track, context, now));
    checkpoint(signal);
    added += await upsertTrackPage(deps.pool, writes, tier, now);
    progress.advance(page.items.length, ['plex']);
  }
  // Only a listing that reached its end may conclude that an unseen track is gone: a listing that
  // stopped short of Plex's own total (a server that ignored paging) removes nothing.
  checkpoint(signal);
  const complete = expected !== undefined && seen >= expected;
  const removed = complete ? await removeUnseenTracks(deps.pool, listingStartedAt) : 0;
  if (!complete) progress.setMessage(`listing ended at ${seen} of ${expected ?? 'an unknown number of'} tracks: nothing removed`);
  if (removed > 0) progress.count('removed', removed);
  if (added > 0) progress.count('added', added);
  return { message: `${progress.snapshot().current} tracks from Plex (${added} new, ${removed} removed)` };
}
