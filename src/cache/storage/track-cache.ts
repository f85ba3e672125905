// track_cache; entries are the generated TrackCache type. The identities and the listing go through Prisma, and an
// album's tracks are its Prisma relation (ordered by ALBUM_TRACK_ORDER). Raw SQL: the point read (hot, as
// getArtistsByKeys), the bulk page upsert and stats update (one statement per page of 500), the
// usage batching, and the AudioMuse sync's page selection.
import type pg from 'pg';
import { prismaOf } from '../../db/prisma.ts';
import type { Queryable } from '../../db/queryable.ts';
import { Prisma, type TrackCache } from '../../generated/prisma/client.ts';
import { modelColumns } from './model-columns.ts';
import type { PlexTrackIdentity } from '../../enrichment/audio-features-match.ts';
import { normaliseNameKey } from '../../enrichment/text-keys.ts';
import { likeLiteral } from './sql-conditions.ts';
import type { TierSettings } from '../policy/tiers.ts';
import { expiryConditions, genreKeyOf, usageTierWhere } from './entry-filter.ts';
import type { UsageTier } from '../../types.ts';
import type { UsageRecord } from '../policy/usage-recorder.ts';

/** A stored track: the static tier, the stats tier and usage. */
export type TrackEntry = TrackCache;

/** Every column, aliased to the generated type's fields, for the raw reads below. */
const TRACK_COLUMNS = modelColumns(Prisma.TrackCacheScalarFieldEnum);

/** The same order within one album, as Prisma says it (a missing disc or track number sorts as 0: first). */
export const ALBUM_TRACK_ORDER: Prisma.TrackCacheOrderByWithRelationInput[] = [
  { discNumber: { sort: 'asc', nulls: 'first' } },
  { trackNumber: { sort: 'asc', nulls: 'first' } },
  { ratingKey: 'asc' },
];

/**
 * The track listing's order: by artist, album, disc and track number, the ratingKey making it total. The
 * album, disc and track keys are generated columns holding '' and 0 for missing ones (missing first), and
 * the unique index track_cache_listing_order_key has exactly these columns: a page is an index range.
 */
export const TRACK_LISTING_ORDER = [
  { artistKey: 'asc' },
  { albumSortKey: 'asc' },
  { discSort: 'asc' },
  { trackSort: 'asc' },
  { ratingKey: 'asc' },
] as const satisfies Prisma.TrackCacheOrderByWithRelationInput[];

/** A track's position in TRACK_LISTING_ORDER: what a listing cursor holds. */
export interface TrackPosition {
  artistKey: string;
  albumSortKey: string;
  discSort: number;
  trackSort: number;
  ratingKey: string;
}

/** The stored tracks of these ratingKeys, expired ones included, keyed by ratingKey (raw: a hot point read, as getArtistsByKeys). */
export async function getTracksByRatingKeys(
  db: Queryable,
  ratingKeys: readonly string[],
): Promise<Map<string, TrackEntry>> {
  if (ratingKeys.length === 0) return new Map();
  const { rows } = await db.query<TrackEntry>(
    `SELECT ${TRACK_COLUMNS} FROM track_cache WHERE rating_key = ANY($1::text[])`,
    [ratingKeys],
  );
  return new Map(rows.map((row) => [row.ratingKey, row]));
}

/** Title and album artist of these cached tracks, keyed by ratingKey (to check what a provider returns). */
export async function getTrackIdentities(
  pool: pg.Pool,
  ratingKeys: readonly string[],
): Promise<Map<string, PlexTrackIdentity>> {
  if (ratingKeys.length === 0) return new Map();
  const rows = await prismaOf(pool).trackCache.findMany({
    where: { ratingKey: { in: [...ratingKeys] } },
    select: { ratingKey: true, title: true, artistName: true },
  });
  return new Map(rows.map((row) => [row.ratingKey, { title: row.title, artistName: row.artistName }]));
}

export interface TrackFilter {
  /** Part of the title, artist or album (case- and accent-insensitive on the artist and album keys). */
  search?: string | null;
  /** Tracks of this artist (compared by normalised name). */
  artist?: string | null;
  /** Tracks of this album (with `artist`, of that artist's album; compared by normalised title). */
  album?: string | null;
  /** One genre of the track's own Plex tags, case-insensitive. */
  genre?: string | null;
  tier?: UsageTier | null;
  /** Static tier not yet expired, but expiring within this many days. */
  expiringWithinDays?: number | null;
  /** true: only tracks whose stats tier has expired; false: only fresh stats. */
  statsExpired?: boolean | null;
  /** true: only tracks whose static tier has expired; false: only fresh static data. */
  staticExpired?: boolean | null;
  /** true: only tracks with AudioMuse features; false: only tracks without. */
  hasAudioFeatures?: boolean | null;
}

/** The Prisma condition of a track filter; a search with nothing to key by (only spaces) matches nothing. */
function trackWhere(filter: TrackFilter, context: { now: Date; tiers: TierSettings }): Prisma.TrackCacheWhereInput {
  const and: Prisma.TrackCacheWhereInput[] = [];
  if (filter.search !== undefined && filter.search !== null) {
    const key = normaliseNameKey(filter.search);
    // Prisma's contains passes LIKE wildcards through: the texts are escaped so that `%` and `_` are literal.
    if (key === null) return { ratingKey: { in: [] } };
    const keyPattern = likeLiteral(key);
    and.push({
      OR: [
        { title: { contains: likeLiteral(filter.search.trim()), mode: 'insensitive' } },
        { artistKey: { contains: keyPattern } },
        { albumKey: { contains: keyPattern } },
      ],
    });
  }
  if (filter.artist !== undefined && filter.artist !== null) {
    const key = normaliseNameKey(filter.artist);
    if (key === null) return { ratingKey: { in: [] } };
    and.push({ artistKey: key });
  }
  if (filter.album !== undefined && filter.album !== null) {
    const key = normaliseNameKey(filter.album);
    if (key === null) return { ratingKey: { in: [] } };
    and.push({ albumKey: key });
  }
  // genre_keys holds the genres lower-cased (generated by PostgreSQL); its GIN index answers `has`.
  if (filter.genre !== undefined && filter.genre !== null) and.push({ genreKeys: { has: genreKeyOf(filter.genre) } });
  if (filter.tier !== undefined && filter.tier !== null) and.push(usageTierWhere(filter.tier, context));
  const staticExpiry = { expiringWithinDays: filter.expiringWithinDays, expired: filter.staticExpired };
  for (const staticExpiresAt of expiryConditions(staticExpiry, context.now)) and.push({ staticExpiresAt });
  for (const statsExpiresAt of expiryConditions({ expired: filter.statsExpired }, context.now)) {
    and.push({ statsExpiresAt });
  }
  if (filter.hasAudioFeatures === true || filter.hasAudioFeatures === false) {
    // A features row without an AudioMuse item id records "asked, not analysed": no features.
    const analysed: Prisma.TrackCacheWhereInput = { audioFeatures: { is: { audiomuseItemId: { not: null } } } };
    and.push(filter.hasAudioFeatures ? analysed : { NOT: analysed });
  }
  return { AND: and };
}

/**
 * The tracks a listing page answers: the filter, and after `after` (the previous page's last position)
 * when paging on. A key comparison rather than Prisma's cursor, which looks the cursor's row up again, so
 * a page after a track deleted meanwhile still starts where the previous one ended. The comparison is
 * the row comparison `(a, b, c, d, e) > (…)` spelled out as Prisma can say it, plus `artist_key >= …`,
 * which the OR implies, so that PostgreSQL starts the index scan at the cursor rather than at the top.
 */
export function trackListingWhere(
  filter: TrackFilter,
  after: TrackPosition | null,
  context: { now: Date; tiers: TierSettings },
): Prisma.TrackCacheWhereInput {
  const where = trackWhere(filter, context);
  if (after === null) return where;
  const afterCondition: Prisma.TrackCacheWhereInput = {
    artistKey: { gte: after.artistKey },
    OR: [
      { artistKey: { gt: after.artistKey } },
      { artistKey: after.artistKey, albumSortKey: { gt: after.albumSortKey } },
      { artistKey: after.artistKey, albumSortKey: after.albumSortKey, discSort: { gt: after.discSort } },
      {
        artistKey: after.artistKey,
        albumSortKey: after.albumSortKey,
        discSort: after.discSort,
        trackSort: { gt: after.trackSort },
      },
      {
        artistKey: after.artistKey,
        albumSortKey: after.albumSortKey,
        discSort: after.discSort,
        trackSort: after.trackSort,
        ratingKey: { gt: after.ratingKey },
      },
    ],
  };
  return { AND: [where, afterCondition] };
}

/** How many tracks match the filter (a listing's totalCount). */
export function countTracks(
  pool: pg.Pool,
  filter: TrackFilter,
  context: { now: Date; tiers: TierSettings },
): Promise<number> {
  return prismaOf(pool).trackCache.count({ where: trackWhere(filter, context) });
}

/** A track as listed by Plex, ready to store (fetch times and usage are set by the database). */
export type TrackWrite = Omit<
  TrackEntry,
  | 'staticFetchedAt'
  | 'statsFetchedAt'
  | 'lastUsedAt'
  | 'useCount'
  | 'plexSeenAt'
  | 'createdAt'
  | 'updatedAt'
  // Generated by PostgreSQL from the columns above.
  | 'genreKeys'
  | 'albumSortKey'
  | 'discSort'
  | 'trackSort'
>;

/** Which tier of existing rows a sync refreshes; new tracks always get both. */
export type TrackTier = 'stats' | 'static';

const INSERT = `
INSERT INTO track_cache AS t (rating_key, title, artist_name, album_title, artist_key, album_key, track_number, disc_number,
       duration_ms, year, musicbrainz_id, genres, moods, static_fetched_at, static_expires_at, user_rating, view_count,
       skip_count, last_viewed_at, stats_fetched_at, stats_expires_at, plex_seen_at, updated_at)
SELECT r.rating_key, r.title, r.artist_name, r.album_title, r.artist_key, r.album_key, r.track_number, r.disc_number,
       r.duration_ms, r.year, r.musicbrainz_id, r.genres, r.moods, $2, r.static_expires_at, r.user_rating, r.view_count,
       r.skip_count, r.last_viewed_at, $2, r.stats_expires_at, now(), now()
  FROM jsonb_to_recordset($1::jsonb) AS r(rating_key text, title text, artist_name text, album_title text, artist_key text,
       album_key text, track_number int, disc_number int, duration_ms int, year int, musicbrainz_id text, genres text[],
       moods text[], static_expires_at timestamptz, user_rating double precision, view_count int, skip_count int,
       last_viewed_at timestamptz, stats_expires_at timestamptz)
ON CONFLICT (rating_key) DO UPDATE SET plex_seen_at = EXCLUDED.plex_seen_at, updated_at = now(), `;

// Reading one tier never refreshes the other: each mode updates only its own columns.
const UPDATE_STATS = `
  user_rating = EXCLUDED.user_rating, view_count = EXCLUDED.view_count, skip_count = EXCLUDED.skip_count,
  last_viewed_at = EXCLUDED.last_viewed_at, stats_fetched_at = EXCLUDED.stats_fetched_at,
  stats_expires_at = EXCLUDED.stats_expires_at`;

const UPDATE_STATIC = `
  title = EXCLUDED.title, artist_name = EXCLUDED.artist_name, album_title = EXCLUDED.album_title,
  artist_key = EXCLUDED.artist_key, album_key = EXCLUDED.album_key, track_number = EXCLUDED.track_number,
  disc_number = EXCLUDED.disc_number, duration_ms = EXCLUDED.duration_ms, year = EXCLUDED.year,
  musicbrainz_id = EXCLUDED.musicbrainz_id, genres = EXCLUDED.genres, moods = EXCLUDED.moods,
  static_fetched_at = EXCLUDED.static_fetched_at, static_expires_at = EXCLUDED.static_expires_at`;

/**
 * Upserts one Plex page of tracks in one statement (raw: Prisma has no one-statement batch upsert, and
 * `xmax = 0` tells inserted rows from updated ones); returns how many rows were new. plex_seen_at takes
 * the database's clock, which the complete-listing removal compares against.
 */
export async function upsertTrackPage(
  db: Queryable,
  tracks: readonly TrackWrite[],
  tier: TrackTier,
  fetchedAt: Date,
): Promise<number> {
  if (tracks.length === 0) return 0;
  const unique = [...new Map(tracks.map((track) => [track.ratingKey, track])).values()];
  const payload = unique.map((track) => ({
    rating_key: track.ratingKey,
    title: track.title,
    artist_name: track.artistName,
    album_title: track.albumTitle,
    artist_key: track.artistKey,
    album_key: track.albumKey,
    track_number: track.trackNumber,
    disc_number: track.discNumber,
    duration_ms: track.durationMs,
    year: track.year,
    musicbrainz_id: track.musicbrainzId,
    genres: track.genres,
    moods: track.moods,
    static_expires_at: track.staticExpiresAt.toISOString(),
    user_rating: track.userRating,
    view_count: track.viewCount,
    skip_count: track.skipCount,
    last_viewed_at: track.lastViewedAt?.toISOString() ?? null,
    stats_expires_at: track.statsExpiresAt.toISOString(),
  }));
  // xmax = 0 marks a row this statement inserted rather than updated.
  const { rows } = await db.query<{ inserted: boolean }>(
    `${INSERT}${tier === 'stats' ? UPDATE_STATS : UPDATE_STATIC} RETURNING (xmax = 0) AS inserted`,
    [JSON.stringify(payload), fetchedAt],
  );
  return rows.filter((row) => row.inserted).length;
}

/** A track's statistics tier as a Plex list page gives it. */
export interface TrackStatsWrite {
  ratingKey: string;
  userRating: number | null;
  viewCount: number;
  skipCount: number;
  lastViewedAt: Date | null;
}

// Typed arrays unnested side by side: a fraction of the bytes and parsing of a row-per-object payload,
// and only the stats columns travel (the static tier is not this refresh's business).
const UPDATE = `
UPDATE track_cache AS t
   SET user_rating = s.user_rating, view_count = s.view_count, skip_count = s.skip_count, last_viewed_at = s.last_viewed_at,
       stats_fetched_at = $6, stats_expires_at = $7, plex_seen_at = now(), updated_at = now()
  FROM unnest($1::text[], $2::double precision[], $3::int[], $4::int[], $5::timestamptz[])
       AS s(rating_key, user_rating, view_count, skip_count, last_viewed_at)
 WHERE t.rating_key = s.rating_key
RETURNING t.rating_key`;

/**
 * Renews the statistics tier of the tracks the cache holds, in one statement (raw: Prisma's updateMany
 * cannot give each row its own values); returns the ratingKeys it
 * updated, so the caller knows which tracks are new. plex_seen_at takes the database's clock, which the
 * complete-listing removal compares against.
 */
export async function updateTrackStats(
  db: Queryable,
  tracks: readonly TrackStatsWrite[],
  fetchedAt: Date,
  expiresAt: Date,
): Promise<Set<string>> {
  if (tracks.length === 0) return new Set();
  const unique = [...new Map(tracks.map((track) => [track.ratingKey, track])).values()];
  // Named, so each connection parses and plans it once for the whole sync instead of once a page.
  const { rows } = await db.query<{ rating_key: string }>({
    name: 'update-track-stats',
    text: UPDATE,
    values: [
      unique.map((track) => track.ratingKey),
      unique.map((track) => track.userRating),
      unique.map((track) => track.viewCount),
      unique.map((track) => track.skipCount),
      unique.map((track) => track.lastViewedAt),
      fetchedAt,
      expiresAt,
    ],
  });
  return new Set(rows.map((row) => row.rating_key));
}

/** After a complete Plex listing: tracks it did not see are gone from Plex (their audio features go too). */
export async function removeUnseenTracks(pool: pg.Pool, listingStartedAt: Date): Promise<number> {
  const result = await prismaOf(pool).trackCache.deleteMany({ where: { plexSeenAt: { lt: listingStartedAt } } });
  return result.count;
}

/**
 * For AudioMuse versions without the sync API: the next page of tracks (by ratingKey, after `after`) that
 * have no audio features yet (asked again every run, since AudioMuse analyses a library progressively), or
 * whose features were fetched before `recheckBefore` (AudioMuse may have analysed them again since).
 * A row without an AudioMuse item id is an older "not analysed" record and counts as no features.
 * Raw: a LEFT JOIN condition on the features row, which Prisma would split into a relation filter per row.
 */
export async function selectTracksForFeatures(
  db: Queryable,
  options: { after: string | null; recheckBefore: Date; pageSize: number },
): Promise<string[]> {
  const { rows } = await db.query<{ rating_key: string }>(
    `SELECT t.rating_key FROM track_cache t
       LEFT JOIN audio_features f ON f.track_rating_key = t.rating_key
      WHERE ($1::text IS NULL OR t.rating_key > $1) AND (f.audiomuse_item_id IS NULL OR f.fetched_at < $2)
      ORDER BY t.rating_key
      LIMIT $3`,
    [options.after, options.recheckBefore, options.pageSize],
  );
  return rows.map((row) => row.rating_key);
}

/** How many tracks the sync will look at (for progress); raw, as selectTracksForFeatures. */
export async function countTracksForFeatures(db: Queryable, recheckBefore: Date): Promise<number> {
  const { rows } = await db.query<{ count: string }>(
    `SELECT count(*)::text AS count FROM track_cache t
       LEFT JOIN audio_features f ON f.track_rating_key = t.rating_key
      WHERE f.audiomuse_item_id IS NULL OR f.fetched_at < $1`,
    [recheckBefore],
  );
  return Number(rows[0]?.count ?? 0);
}

/** As recordArtistUsage (raw for the same reason), for track_cache keyed by Plex ratingKey. */
export async function recordTrackUsage(db: Queryable, batch: readonly UsageRecord<string>[]): Promise<number> {
  if (batch.length === 0) return 0;
  const result = await db.query(
    `UPDATE track_cache AS t
        SET last_used_at = GREATEST(t.last_used_at, u.used_at), use_count = t.use_count + u.uses
       FROM (SELECT rating_key, max(used_at) AS used_at, sum(uses)::integer AS uses
               FROM unnest($1::text[], $2::timestamptz[], $3::integer[]) AS r(rating_key, used_at, uses)
              GROUP BY rating_key) AS u
      WHERE t.rating_key = u.rating_key`,
    [batch.map((record) => record.key), batch.map((record) => record.lastUsedAt), batch.map((record) => record.uses)],
  );
  return result.rowCount ?? 0;
}
