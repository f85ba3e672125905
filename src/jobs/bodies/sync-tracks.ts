// track-stats-refresh (daily) and track-static-refresh (weekly): every track of the Plex library, pages
// fetched up to PLEX_CONCURRENCY at a time and stored as they arrive (one statement a page), so Plex and
// PostgreSQL work at the same time. A complete listing removes tracks gone from Plex.
//
// Plex's list views carry a track's statistics but none of its Genre and Mood tags: only the detail view
// (`/library/metadata/{k1,k2,…}`) does. The static refresh reads the details of every page in one batched
// request; the stats refresh stays on list pages and asks for details only for tracks it sees first.
import PQueue from 'p-queue';
import { trackStaticExpiry, trackStatsExpiry } from '../../cache/policy/ttl.ts';
import { removeUnseenTracks } from '../../cache/storage/track-cache.ts';
import { type TrackStatsWrite, updateTrackStats } from '../../cache/storage/track-cache.ts';
import { type TrackTier, type TrackWrite, upsertTrackPage } from '../../cache/storage/track-cache.ts';
import { normaliseNameKey } from '../../enrichment/text-keys.ts';
import type { PlexClient } from '../../providers/plex.ts';
import type { PlexTrack } from '../../types.ts';
import type { Queryable } from '../../db/queryable.ts';
import type { JobContext, JobResult } from '../engine/job-definition.ts';
import { checkpoint } from '../engine/checkpoint.ts';

// Raw SQL: the database's clock, the one plex_seen_at is written with; Prisma has no API to read it.
async function databaseNow(db: Queryable): Promise<Date> {
  const { rows } = await db.query<{ now: Date }>('SELECT now() AS now');
  return rows[0]?.now ?? new Date();
}

function distinct(values: readonly string[]): string[] {
  const seen = new Map<string, string>();
  for (const value of values) {
    const key = value.toLowerCase();
    if (!seen.has(key)) seen.set(key, value);
  }
  return [...seen.values()];
}

/** The listed track with the tags of its detail view: Genre and Style are its genres, Mood its moods. */
function withDetail(listed: PlexTrack, detail: PlexTrack): PlexTrack {
  return {
    ...listed,
    musicbrainzId: listed.musicbrainzId ?? detail.musicbrainzId,
    genres: distinct([...detail.genres, ...detail.styles]),
    styles: [],
    moods: distinct(detail.moods),
  };
}

// Names repeat across a library's tracks (every track of an album shares its artist and album title), and
// folding a name is the costliest step of building a row: each distinct name is folded once per process.
const NAME_KEY_MEMO_LIMIT = 50_000;
const nameKeys = new Map<string, string | null>();

function nameKey(name: string): string | null {
  let key = nameKeys.get(name);
  if (key === undefined) {
    key = normaliseNameKey(name);
    if (nameKeys.size >= NAME_KEY_MEMO_LIMIT) nameKeys.clear();
    nameKeys.set(name, key);
  }
  return key;
}

function trackWrite(track: PlexTrack, context: JobContext, now: Date): TrackWrite {
  const ttl = context.deps.config.ttl;
  return {
    ratingKey: track.ratingKey,
    title: track.title,
    artistName: track.artistName,
    albumTitle: track.albumTitle ?? null,
    // A name that normalises to nothing gets an empty key, which never matches an artist entry.
    artistKey: nameKey(track.artistName) ?? '',
    albumKey: track.albumTitle === undefined ? null : nameKey(track.albumTitle),
    trackNumber: track.trackNumber ?? null,
    discNumber: track.discNumber ?? null,
    durationMs: track.durationMs ?? null,
    year: track.year ?? null,
    musicbrainzId: track.musicbrainzId ?? null,
    genres: distinct([...track.genres, ...track.styles]),
    moods: track.moods,
    staticExpiresAt: trackStaticExpiry(ttl, { now: () => now }),
    userRating: track.userRating ?? null,
    viewCount: track.viewCount,
    skipCount: track.skipCount,
    lastViewedAt: track.lastViewedAt ?? null,
    statsExpiresAt: trackStatsExpiry(ttl, { now: () => now }),
  };
}

/** Stores one listing page; returns how many tracks were new. */
async function storePage(
  context: JobContext,
  plex: PlexClient,
  tracks: readonly PlexTrack[],
  tier: TrackTier,
): Promise<number> {
  const { deps, signal } = context;
  const now = deps.clock();
  let unknown: readonly PlexTrack[] = tracks;
  if (tier === 'stats') {
    // The steady state of the daily refresh: one statement renews the statistics of the tracks the cache
    // holds; only tracks it did not hold go on to read their details.
    const updated = await updateTrackStats(
      deps.pool,
      tracks.map(statsWrite),
      now,
      trackStatsExpiry(deps.config.ttl, { now: () => now }),
    );
    unknown = tracks.filter((track) => !updated.has(track.ratingKey));
    if (unknown.length === 0) return 0;
  }
  checkpoint(signal);
  const details = await plex.trackDetails(
    unknown.map((track) => track.ratingKey),
    signal,
  );
  checkpoint(signal);
  const detailed: TrackWrite[] = [];
  const listedOnly: TrackWrite[] = [];
  for (const track of unknown) {
    const detail = details.get(track.ratingKey);
    if (detail !== undefined) detailed.push(trackWrite(withDetail(track, detail), context, now));
    else listedOnly.push(trackWrite(track, context, now));
  }
  // A track the detail request did not return (deleted in between) keeps its stored static tier: only
  // its statistics are renewed, so its tags are not overwritten by a list view that has none.
  const [addedDetailed, addedListed] = await Promise.all([
    upsertTrackPage(deps.pool, detailed, 'static', now),
    upsertTrackPage(deps.pool, listedOnly, 'stats', now),
  ]);
  return addedDetailed + addedListed;
}

function statsWrite(track: PlexTrack): TrackStatsWrite {
  return {
    ratingKey: track.ratingKey,
    userRating: track.userRating ?? null,
    viewCount: track.viewCount,
    skipCount: track.skipCount,
    lastViewedAt: track.lastViewedAt ?? null,
  };
}

export async function syncTracks(context: JobContext, tier: TrackTier): Promise<JobResult> {
  const { deps, progress, signal } = context;
  const plex = deps.providers.require('plex');
  checkpoint(signal);
  const section = await plex.musicSection(signal);
  // The database's clock, not this process's: another process's sync writes plex_seen_at with it too.
  const listingStartedAt = await databaseNow(deps.pool);
  const concurrency = deps.config.providers.plex?.concurrency ?? 1;
  // Pages being stored while the next ones are fetched; bounded so memory stays flat on any library.
  const writes = new PQueue({ concurrency });
  let failure: { error: unknown } | undefined;
  const seen = new Set<string>();
  let added = 0;
  let expected: number | undefined;
  try {
    for await (const page of plex.trackPagesConcurrently(section.key, { concurrency, signal })) {
      checkpoint(signal);
      if (failure !== undefined) break;
      if (page.totalSize !== undefined && expected === undefined) {
        expected = page.totalSize;
        progress.setTotal(page.totalSize);
      }
      for (const track of page.items) seen.add(track.ratingKey);
      await writes.onSizeLessThan(concurrency);
      writes
        .add(async () => {
          added += await storePage(context, plex, page.items, tier);
          progress.advance(page.items.length, ['plex']);
        })
        .catch((error: unknown) => {
          failure ??= { error };
          writes.clear();
        });
    }
  } catch (error) {
    failure ??= { error };
    writes.clear();
  }
  // Nothing is left writing behind a run that ended, whichever way it ended.
  await writes.onIdle();
  if (failure !== undefined) throw failure.error;
  // Only a listing that reached its end may conclude that an unseen track is gone: a listing that
  // stopped short of Plex's own total (a server that ignored paging) removes nothing.
  checkpoint(signal);
  const complete = expected !== undefined && seen.size >= expected;
  const removed = complete ? await removeUnseenTracks(deps.pool, listingStartedAt) : 0;
  if (!complete)
    progress.setMessage(
      `listing ended at ${seen.size} of ${expected ?? 'an unknown number of'} tracks: nothing removed`,
    );
  if (removed > 0) progress.count('removed', removed);
  if (added > 0) progress.count('added', added);
  return { message: `${progress.snapshot().current} tracks from Plex (${added} new, ${removed} removed)` };
}
