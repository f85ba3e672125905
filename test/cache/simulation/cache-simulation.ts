// A year of hourly refresh runs over an in-memory model of artist_cache and album_cache, driven by a fake
// clock. The model keeps what the database would: expiry, last_used_at as written by the usage recorder,
// and the tier that follows from it. Each run plans with the real planner from the same per-hour
// histograms the SQL would return, and selects the way `ORDER BY tier, expires_at LIMIT n` would.
// Reads follow a drifting Zipf popularity; every read is checked against the true last use: a read of an
// entry that was hot and had expired is exactly what the refresh must never let happen.
import { planRefresh, type PlanReason, type RefreshPool } from '../../../src/cache/policy/refresh-planner.ts';
import { classifyTier, shouldRevalidateOnRead, type TierSettings } from '../../../src/cache/policy/tiers.ts';
import { getJitteredTTL } from '../../../src/cache/policy/ttl.ts';
import { UsageRecorder } from '../../../src/cache/policy/usage-recorder.ts';
import { Rng } from '../../../src/simulators/random.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const HOT = 0;
const WARM = 1;
const COLD = 2;
const TIER_NAMES = ['hot', 'warm', 'cold'] as const;

export interface SimulationOptions {
  seed: number;
  hours: number;
  artists: number;
  albums: number;
  /** Mean album reads per hour (each also reads the album's artist); varies over the day. */
  readsPerHour: number;
  zipfExponent: number;
  /** Popularity drift: rank swaps per day between a popular rank and a random one. */
  driftSwapsPerDay: number;
  /** Library growth, warmed once a week (Sunday 03:00). */
  newAlbumsPerWeek: number;
  newArtistsPerWeek: number;
  /** Share of artists whose refresh falls back to MusicBrainz, and of those also to Spotify. */
  musicbrainzShare: number;
  spotifyShare: number;
  ttl: { artistDays: number; albumDays: number; jitter: number };
  tiers: TierSettings;
  plan: {
    floor: number;
    lookaheadHours: number;
    requestCap: number;
    smoothing: boolean;
    smoothingHorizonHours?: number;
  };
}

export interface SimulationResult {
  hours: number;
  reads: number;
  meanRequestsPerHour: number;
  busiestHourRequests: number;
  busiestHour: number;
  /** Provider requests of each hour: the refresh run plus revalidations on read. */
  requestsPerHour: Float64Array;
  /** The part of each hour's requests spent revalidating entries read after they lapsed. */
  revalidationRequestsPerHour: Float64Array;
  /** Reads of an entry that was hot (used in the last HOT_TIER_DAYS) and had expired. */
  hotServedExpired: number;
  warmServedExpired: number;
  /** Cold entries read again after lapsing: served flagged expired and revalidated at once. */
  coldServedExpired: number;
  revalidatedOnRead: number;
  refreshed: { artists: number; albums: number };
  /** How long before expiry the refresh runs renewed entries, on average (hours). */
  meanRefreshLeadHours: number;
  finalTiers: Record<'artists' | 'albums', Record<(typeof TIER_NAMES)[number], number>>;
  population: { artists: number; albums: number };
  maxBudget: number;
  reasons: Record<PlanReason, number>;
  cappedRuns: number;
  tierChecks: number;
  tierMismatches: number;
}

/** One cache table as the database holds it, plus the indexes a histogram and a selection need. */
class TableModel {
  count = 0;
  readonly expiresAt: Float64Array;
  readonly dbLastUsed: Float64Array;
  readonly trueLastUsed: Float64Array;
  readonly tier: Uint8Array;
  readonly bucket: Int32Array;
  readonly cost: Float64Array;
  readonly hot: Int32Array;
  readonly warm: Int32Array;
  private readonly members: Array<Set<number> | undefined> = [];
  private readonly demoteHot: Array<number[] | undefined> = [];
  private readonly demoteWarm: Array<number[] | undefined> = [];
  private lowWater = Number.POSITIVE_INFINITY;

  constructor(
    readonly name: 'artists' | 'albums',
    capacity: number,
    buckets: number,
    readonly baseDays: number,
    private readonly hotMs: number,
    private readonly warmMs: number,
  ) {
    this.expiresAt = new Float64Array(capacity);
    this.dbLastUsed = new Float64Array(capacity).fill(Number.NaN);
    this.trueLastUsed = new Float64Array(capacity).fill(Number.NaN);
    this.tier = new Uint8Array(capacity).fill(COLD);
    this.bucket = new Int32Array(capacity).fill(-1);
    this.cost = new Float64Array(capacity);
    this.hot = new Int32Array(buckets);
    this.warm = new Int32Array(buckets);
  }

  add(cost: number, expiresAt: number): number {
    const id = this.count;
    this.count += 1;
    this.cost[id] = cost;
    this.expiresAt[id] = expiresAt;
    return id;
  }

  private link(id: number): void {
    const bucket = Math.floor((this.expiresAt[id] ?? 0) / HOUR);
    this.bucket[id] = bucket;
    let set = this.members[bucket];
    if (set === undefined) {
      set = new Set();
      this.members[bucket] = set;
    }
    set.add(id);
    if (this.tier[id] === HOT) this.hot[bucket] = (this.hot[bucket] ?? 0) + 1;
    else this.warm[bucket] = (this.warm[bucket] ?? 0) + 1;
    if (bucket < this.lowWater) this.lowWater = bucket;
  }

  private unlink(id: number): void {
    const bucket = this.bucket[id] ?? -1;
    if (bucket < 0) return;
    this.members[bucket]?.delete(id);
    if (this.tier[id] === HOT) this.hot[bucket] = (this.hot[bucket] ?? 0) - 1;
    else this.warm[bucket] = (this.warm[bucket] ?? 0) - 1;
    this.bucket[id] = -1;
  }

  setExpiry(id: number, expiresAt: number): void {
    const linked = (this.bucket[id] ?? -1) >= 0;
    if (linked) this.unlink(id);
    this.expiresAt[id] = expiresAt;
    if (linked) this.link(id);
  }

  /** The usage recorder's write reached the database. */
  markUsed(id: number, lastUsedAt: number): void {
    this.dbLastUsed[id] = lastUsedAt;
    const previous = this.tier[id];
    if (previous !== HOT) {
      if (previous === WARM) this.unlink(id);
      this.tier[id] = HOT;
      this.link(id);
    }
    const hotEnds = Math.floor((lastUsedAt + this.hotMs) / HOUR) + 1;
    const warmEnds = Math.floor((lastUsedAt + this.warmMs) / HOUR) + 1;
    const hotBucket = this.demoteHot[hotEnds] ?? [];
    hotBucket.push(id);
    this.demoteHot[hotEnds] = hotBucket;
    const warmBucket = this.demoteWarm[warmEnds] ?? [];
    warmBucket.push(id);
    this.demoteWarm[warmEnds] = warmBucket;
  }

  /** Tier changes that the passing of time makes at hour `hour` (hot → warm → cold). */
  demote(hour: number): void {
    const now = hour * HOUR;
    for (const id of this.demoteHot[hour] ?? []) {
      if (this.tier[id] === HOT && now - (this.dbLastUsed[id] ?? 0) > this.hotMs) {
        this.unlink(id);
        this.tier[id] = WARM;
        this.link(id);
      }
    }
    for (const id of this.demoteWarm[hour] ?? []) {
      if (this.tier[id] === WARM && now - (this.dbLastUsed[id] ?? 0) > this.warmMs) {
        this.unlink(id);
        this.tier[id] = COLD;
      }
    }
    this.demoteHot[hour] = undefined;
    this.demoteWarm[hour] = undefined;
  }

  /** Hot and warm entries already expired at the start of `hour` (the SQL folds them into bucket 0). */
  overdue(hour: number): { hot: number; warm: number } {
    while (this.lowWater < hour && (this.hot[this.lowWater] ?? 0) + (this.warm[this.lowWater] ?? 0) === 0)
      this.lowWater += 1;
    let hot = 0;
    let warm = 0;
    for (let bucket = this.lowWater; bucket < hour; bucket += 1) {
      hot += this.hot[bucket] ?? 0;
      warm += this.warm[bucket] ?? 0;
    }
    return { hot, warm };
  }

  /** `WHERE tier IN (hot, warm) AND expires_at < $before ORDER BY tier, expires_at LIMIT $limit`. */
  select(before: number, limit: number): number[] {
    const last = Math.floor((before - 1) / HOUR);
    const candidates: number[] = [];
    for (let bucket = Math.max(0, this.lowWater); bucket <= last; bucket += 1) {
      const set = this.members[bucket];
      if (set === undefined) continue;
      for (const id of set) if ((this.expiresAt[id] ?? 0) < before) candidates.push(id);
    }
    candidates.sort(
      (a, b) => (this.tier[a] ?? 0) - (this.tier[b] ?? 0) || (this.expiresAt[a] ?? 0) - (this.expiresAt[b] ?? 0),
    );
    return candidates.slice(0, limit);
  }

  tierCounts(): Record<(typeof TIER_NAMES)[number], number> {
    const counts = { hot: 0, warm: 0, cold: 0 };
    for (let id = 0; id < this.count; id += 1) counts[TIER_NAMES[this.tier[id] ?? COLD] ?? 'cold'] += 1;
    return counts;
  }
}

export async function runCacheSimulation(options: SimulationOptions): Promise<SimulationResult> {
  const rng = new Rng(options.seed);
  const random = () => rng.next();
  const hotMs = options.tiers.hotDays * DAY;
  const warmMs = options.tiers.warmDays * DAY;
  const weeks = Math.ceil(options.hours / (7 * 24)) + 1;
  const maxArtists = options.artists + weeks * options.newArtistsPerWeek;
  const maxAlbums = options.albums + weeks * options.newAlbumsPerWeek;
  const longestTtlHours =
    Math.ceil(Math.max(options.ttl.artistDays, options.ttl.albumDays) * (1 + options.ttl.jitter) * 24) + 2;
  const buckets = options.hours + longestTtlHours + 48;
  const artists = new TableModel('artists', maxArtists, buckets, options.ttl.artistDays, hotMs, warmMs);
  const albums = new TableModel('albums', maxAlbums, buckets, options.ttl.albumDays, hotMs, warmMs);
  const albumArtist = new Int32Array(maxAlbums);
  // One Date per instant, shared by everything that reads the clock then.
  let clockDate = new Date(0);
  const setClock = (ms: number) => {
    if (clockDate.getTime() !== ms) clockDate = new Date(ms);
  };
  const clock = () => clockDate;
  const expiryFrom = (table: TableModel, at: number) =>
    getJitteredTTL(table.baseDays, options.ttl.jitter, { random, now: () => new Date(at) }).getTime();
  const artistCost = () => 2 + (rng.chance(options.musicbrainzShare) ? (rng.chance(options.spotifyShare) ? 2 : 1) : 0);

  // The big initial warm: every entry written in the first hour, so expiries cluster.
  for (let i = 0; i < options.artists; i += 1) artists.add(artistCost(), expiryFrom(artists, 0));
  for (let i = 0; i < options.albums; i += 1) {
    albums.add(2, expiryFrom(albums, 0));
    albumArtist[i] = i < options.artists ? i : rng.int(0, options.artists - 1);
  }

  // Popularity: rank → album, Zipf over ranks; the permutation drifts.
  const rankToAlbum = new Int32Array(maxAlbums);
  for (let i = 0; i < options.albums; i += 1) rankToAlbum[i] = i;
  const shuffle = (length: number) => {
    for (let i = length - 1; i > 0; i -= 1) {
      const j = rng.int(0, i);
      const swap = rankToAlbum[i] ?? 0;
      rankToAlbum[i] = rankToAlbum[j] ?? 0;
      rankToAlbum[j] = swap;
    }
  };
  shuffle(options.albums);
  const zipf = new Float64Array(maxAlbums);
  let total = 0;
  for (let rank = 0; rank < maxAlbums; rank += 1) {
    total += 1 / (rank + 1) ** options.zipfExponent;
    zipf[rank] = total;
  }
  const sampleRank = (population: number) => {
    const target = rng.next() * (zipf[population - 1] ?? 0);
    let low = 0;
    let high = population - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((zipf[middle] ?? 0) > target) high = middle;
      else low = middle + 1;
    }
    return low;
  };

  const requests = new Float64Array(options.hours);
  let leadSum = 0;
  const revalidation = new Float64Array(options.hours);
  let hour = 0;
  const keys = new Map<TableModel, string[]>([
    [artists, []],
    [albums, []],
  ]);
  const keyOf = (table: TableModel, id: number) => {
    const cache = keys.get(table) ?? [];
    const key = cache[id] ?? `${table === artists ? 'r' : 'l'}${id}`;
    cache[id] = key;
    return key;
  };
  const recorder = new UsageRecorder<string>({
    clock,
    flush: async (batch) => {
      for (const record of batch) {
        const table = record.key.startsWith('r') ? artists : albums;
        table.markUsed(Number(record.key.slice(1)), record.lastUsedAt.getTime());
      }
    },
  });

  const result: SimulationResult = {
    hours: options.hours,
    reads: 0,
    meanRequestsPerHour: 0,
    busiestHourRequests: 0,
    busiestHour: 0,
    requestsPerHour: requests,
    revalidationRequestsPerHour: revalidation,
    hotServedExpired: 0,
    warmServedExpired: 0,
    coldServedExpired: 0,
    revalidatedOnRead: 0,
    refreshed: { artists: 0, albums: 0 },
    meanRefreshLeadHours: 0,
    finalTiers: { artists: { hot: 0, warm: 0, cold: 0 }, albums: { hot: 0, warm: 0, cold: 0 } },
    population: { artists: 0, albums: 0 },
    maxBudget: 0,
    reasons: { idle: 0, floor: 0, deadlines: 0, smoothing: 0, capped: 0 },
    cappedRuns: 0,
    tierChecks: 0,
    tierMismatches: 0,
  };

  const read = (table: TableModel, id: number, at: number) => {
    result.reads += 1;
    const expiresAt = table.expiresAt[id] ?? 0;
    const lastUsed = table.trueLastUsed[id] ?? Number.NaN;
    if (expiresAt <= at) {
      if (at - lastUsed <= hotMs) result.hotServedExpired += 1;
      else if (at - lastUsed <= warmMs) result.warmServedExpired += 1;
      else result.coldServedExpired += 1;
    }
    const dbLastUsed = table.dbLastUsed[id] ?? Number.NaN;
    const refreshedAhead = at - dbLastUsed <= warmMs;
    // Only entries within an hour of expiry can need it; the rule itself decides.
    if (
      expiresAt - at <= HOUR &&
      shouldRevalidateOnRead({ expiresAt: new Date(expiresAt), refreshedAhead }, new Date(at))
    ) {
      result.revalidatedOnRead += 1;
      requests[hour] = (requests[hour] ?? 0) + (table.cost[id] ?? 0);
      revalidation[hour] = (revalidation[hour] ?? 0) + (table.cost[id] ?? 0);
      table.setExpiry(id, expiryFrom(table, at));
    }
    table.trueLastUsed[id] = at;
    recorder.record(keyOf(table, id));
  };

  const warmNewEntries = (at: number) => {
    const firstNewArtist = artists.count;
    for (let i = 0; i < options.newArtistsPerWeek; i += 1) artists.add(artistCost(), expiryFrom(artists, at));
    for (let i = 0; i < options.newAlbumsPerWeek; i += 1) {
      const id = albums.add(2, expiryFrom(albums, at));
      albumArtist[id] = i < options.newArtistsPerWeek ? firstNewArtist + i : rng.int(0, artists.count - 1);
      const end = albums.count - 1;
      // Half the new releases are played a lot at once; the rest join the long tail.
      if (rng.chance(0.5)) {
        const rank = rng.int(0, 499);
        rankToAlbum[end] = rankToAlbum[rank] ?? 0;
        rankToAlbum[rank] = id;
      } else rankToAlbum[end] = id;
    }
  };

  const checkTiers = (now: number) => {
    for (const table of [artists, albums]) {
      for (let sample = 0; sample < 200; sample += 1) {
        const id = rng.int(0, table.count - 1);
        const lastUsed = table.dbLastUsed[id] ?? Number.NaN;
        const expected = classifyTier(Number.isNaN(lastUsed) ? null : new Date(lastUsed), new Date(now), options.tiers);
        result.tierChecks += 1;
        if (expected !== TIER_NAMES[table.tier[id] ?? COLD]) result.tierMismatches += 1;
      }
    }
  };

  const tables = [artists, albums];
  const histogramLength = (table: TableModel) => Math.ceil(table.baseDays * (1 + options.ttl.jitter) * 24) + 2;
  const meanArtistCost = () => {
    let sum = 0;
    for (let id = 0; id < artists.count; id += 1) sum += artists.cost[id] ?? 0;
    return sum / Math.max(1, artists.count);
  };
  let artistCostEstimate = meanArtistCost();

  for (hour = 0; hour < options.hours; hour += 1) {
    const now = hour * HOUR;
    setClock(now);
    const day = Math.floor(hour / 24);
    // Tastes drift a little every hour, not all at midnight.
    const swaps =
      Math.floor(((hour + 1) * options.driftSwapsPerDay) / 24) - Math.floor((hour * options.driftSwapsPerDay) / 24);
    for (let swap = 0; swap < swaps; swap += 1) {
      const a = sampleRank(albums.count);
      const b = rng.int(0, albums.count - 1);
      const keep = rankToAlbum[a] ?? 0;
      rankToAlbum[a] = rankToAlbum[b] ?? 0;
      rankToAlbum[b] = keep;
    }
    if (day % 7 === 6 && hour % 24 === 3) {
      warmNewEntries(now);
      artistCostEstimate = meanArtistCost();
    }

    // The refresh run at the top of the hour: usage written, tiers up to date, plan, refresh.
    await recorder.flushDue();
    for (const table of tables) table.demote(hour);
    if (hour % (30 * 24) === 0) checkTiers(now);
    const pools: RefreshPool<'artists' | 'albums'>[] = [];
    const overdue = tables.map((table) => table.overdue(hour));
    tables.forEach((table, index) => {
      const late = overdue[index] ?? { hot: 0, warm: 0 };
      table.hot[hour] = (table.hot[hour] ?? 0) + late.hot;
      table.warm[hour] = (table.warm[hour] ?? 0) + late.warm;
      const length = histogramLength(table);
      pools.push({
        name: table.name,
        histogram: { hot: table.hot.subarray(hour, hour + length), warm: table.warm.subarray(hour, hour + length) },
        requestsPerEntry: table === artists ? artistCostEstimate : 2,
      });
    });
    const plan = planRefresh(pools, {
      now: new Date(now),
      lookaheadHours: options.plan.lookaheadHours,
      floor: options.plan.floor,
      requestCap: options.plan.requestCap,
      refreshCold: false,
      smoothing: options.plan.smoothing,
      smoothingHorizonHours: options.plan.smoothingHorizonHours,
    });
    tables.forEach((table, index) => {
      const late = overdue[index] ?? { hot: 0, warm: 0 };
      table.hot[hour] = (table.hot[hour] ?? 0) - late.hot;
      table.warm[hour] = (table.warm[hour] ?? 0) - late.warm;
    });
    result.reasons[plan.reason] += 1;
    if (plan.capped) result.cappedRuns += 1;
    result.maxBudget = Math.max(result.maxBudget, plan.budget);
    plan.selections.forEach((selection, index) => {
      const table = tables[index];
      if (table === undefined || selection.limit === 0) return;
      for (const id of table.select(selection.expiresBefore.getTime(), selection.limit)) {
        requests[hour] = (requests[hour] ?? 0) + (table.cost[id] ?? 0);
        leadSum += ((table.expiresAt[id] ?? 0) - now) / HOUR;
        table.setExpiry(id, expiryFrom(table, now));
        result.refreshed[table.name] += 1;
      }
    });

    // The hour's reads, spread over the hour, more in the evening than at night.
    const daily = 1 + 0.6 * Math.sin((2 * Math.PI * ((hour % 24) - 14)) / 24);
    const reads = Math.floor(options.readsPerHour * daily + rng.next());
    for (let i = 0; i < reads; i += 1) {
      const at = now + ((i + 0.5) / reads) * HOUR;
      setClock(at);
      const album = rankToAlbum[sampleRank(albums.count)] ?? 0;
      read(albums, album, at);
      read(artists, albumArtist[album] ?? 0, at);
    }
  }

  let sum = 0;
  requests.forEach((value, index) => {
    sum += value;
    if (value > result.busiestHourRequests) {
      result.busiestHourRequests = value;
      result.busiestHour = index;
    }
  });
  result.meanRequestsPerHour = sum / options.hours;
  result.meanRefreshLeadHours = leadSum / Math.max(1, result.refreshed.artists + result.refreshed.albums);
  result.finalTiers = { artists: artists.tierCounts(), albums: albums.tierCounts() };
  result.population = { artists: artists.count, albums: albums.count };
  return result;
}
