// The estimate of a warm before it runs: the library's size (Plex's listing total, from one request of
// size 0), how much of it the cache holds fresh, the requests each provider would be sent (the warm's own
// plan, src/jobs/bodies/warm-plan.ts) and how long they take at the rates in force now. A dry run of the
// warm reports the same figures, counted from the listing itself instead of from counts.
import { countAlbums } from '../../cache/storage/album-cache.ts';
import { countArtists } from '../../cache/storage/artist-cache.ts';
import { type ArtistFetchGroup, countArtistFetchGroups } from '../../cache/storage/artist-fetch-history.ts';
import { readActivePauses } from '../../providers/pause-store.ts';
import type { ProviderName } from '../../types.ts';
import {
  ASSUMED_FALLBACK_SHARES,
  type AskedProviders,
  type FallbackShares,
  type RequestCounts,
  type WarmKind,
  addRequests,
  albumRequests,
  artistRequests,
  listingPages,
  musicbrainzOutcome,
  musicbrainzRequests,
  plexRequests,
  type WarmRequestTally,
} from '../bodies/warm-plan.ts';
import type { JobDependencies, JobResult } from '../engine/job-definition.ts';
import type { ProgressSnapshot } from '../engine/progress.ts';
import { JobNotConfiguredError } from '../engine/readiness.ts';

export interface ProviderRequestEstimate {
  provider: ProviderName;
  requests: number;
  /** The rate a warm would be allowed now (this installation's budget, shared); null: only concurrency bounds it. */
  requestsPerSecond: number | null;
  /** How long its requests take at that rate, a pause in force included; null when it has no rate. */
  seconds: number | null;
  /** Until when it is paused (refused credentials, or told to slow down); null when it is not. */
  pausedUntil: Date | null;
  /** Its requests are not sent before `pausedUntil`: the refusal was of our credentials. */
  pausedForGood: boolean;
}

export interface WarmEstimate {
  kind: WarmKind;
  /** Artists or albums in the Plex library. */
  entities: number;
  /** Of those, entries the cache holds fresh (what a warm skips). */
  fresh: number;
  toFetch: number;
  requests: ProviderRequestEstimate[];
  totalRequests: number;
  /** The slowest provider's time: the providers are asked side by side. */
  seconds: number;
  /** The provider whose requests take longest; null when none is rate-limited. */
  pacedBy: ProviderName | null;
  /** No artist history in the cache yet: the fallback shares are assumed, not measured. */
  assumedFallbackShare: boolean;
  /** Counted from every listing page (a dry run), not from the library's size and the cache's counts. */
  listed: boolean;
  summary: string;
}

export class NotAWarmError extends Error {
  override name = 'NotAWarmError';
  constructor(readonly kind: string) {
    super(`only the warms (cache-warm, cache-warm-albums) have an estimate, not ${kind}`);
  }
}

const PROVIDER_LABELS: Record<ProviderName, string> = {
  plex: 'Plex',
  lastfm: 'Last.fm',
  musicbrainz: 'MusicBrainz',
  spotify: 'Spotify',
  audiomuse: 'AudioMuse',
};

const ORDER: readonly ProviderName[] = ['lastfm', 'musicbrainz', 'spotify', 'plex', 'audiomuse'];

/** The history's shares, each falling back to the assumption when the cache has nothing to measure it by. */
function fallbackSharesFrom(groups: readonly ArtistFetchGroup[]): FallbackShares {
  const sum = (keep: (group: ArtistFetchGroup) => boolean) =>
    groups.filter(keep).reduce((total, group) => total + group.entries, 0);
  const share = (part: number, whole: number, assumed: number) => (whole > 0 ? part / whole : assumed);
  const total = sum(() => true);
  const fellBack = sum((group) => group.musicbrainz !== null || group.spotify);
  const withoutPlexGenres = sum((group) => !group.plexGenres);
  const perFallback = (byId: boolean, assumed: number) => {
    const asked = groups.filter((group) => group.musicbrainz !== null && group.musicbrainzId === byId);
    const entries = asked.reduce((count, group) => count + group.entries, 0);
    const requests = asked.reduce(
      (count, group) => count + group.entries * musicbrainzRequests(musicbrainzOutcome(group.musicbrainz), byId),
      0,
    );
    return share(requests, entries, assumed);
  };
  return {
    sample: total,
    fallback: share(fellBack, total, ASSUMED_FALLBACK_SHARES.fallback),
    fallbackWithoutPlexGenres: share(
      sum((group) => !group.plexGenres && (group.musicbrainz !== null || group.spotify)),
      withoutPlexGenres,
      ASSUMED_FALLBACK_SHARES.fallbackWithoutPlexGenres,
    ),
    spotifyAfterFallback: share(
      sum((group) => group.spotify),
      fellBack,
      ASSUMED_FALLBACK_SHARES.spotifyAfterFallback,
    ),
    withMusicbrainzId: share(
      sum((group) => group.musicbrainzId),
      total,
      ASSUMED_FALLBACK_SHARES.withMusicbrainzId,
    ),
    musicbrainzPerFallback: {
      byId: perFallback(true, ASSUMED_FALLBACK_SHARES.musicbrainzPerFallback.byId),
      byName: perFallback(false, ASSUMED_FALLBACK_SHARES.musicbrainzPerFallback.byName),
    },
  };
}

/** The providers a warm started now would send requests to. */
export function askedProviders(deps: Pick<JobDependencies, 'providers'>): AskedProviders {
  const { providers } = deps;
  return {
    configured: (name) => providers.isConfigured(name),
    spotifyGivesGenres: providers.spotify?.getCapabilities().genres !== 'unavailable',
  };
}

/** The artist history and the providers to ask: what a dry run tallies its listing with. */
export async function loadArtistPlan(
  deps: Pick<JobDependencies, 'pool' | 'providers' | 'clock'>,
): Promise<{ asked: AskedProviders; shares: FallbackShares }> {
  const groups = await countArtistFetchGroups(deps.pool, deps.clock());
  return { asked: askedProviders(deps), shares: fallbackSharesFrom(groups) };
}

/** The rates and pauses in force for each provider, as this process sees the installation's budget now. */
async function providerRates(
  deps: Pick<JobDependencies, 'pool' | 'providers' | 'clock'>,
): Promise<Map<ProviderName, { rate: number | null; pausedUntil: Date | null; pausedForGood: boolean }>> {
  const { providers } = deps;
  // Refused credentials pause every process (stored); a "slow down" pauses this process's limiter.
  const stored = await readActivePauses(deps.pool, (name) => providers.credentialDigest(name));
  const now = deps.clock().getTime();
  const rates = new Map<ProviderName, { rate: number | null; pausedUntil: Date | null; pausedForGood: boolean }>();
  for (const name of ORDER) {
    const limiter = providers.limiter(name);
    // The limiter's rate is this process's share of the budget (src/worker/rate-share.ts divides it among the
    // processes calling the provider), after any adaptive slow-down: what a warm here would get.
    const rate = limiter?.currentRate ?? null;
    const forGood = stored.get(name)?.retryAt;
    const waits = [forGood, limiter?.pausedUntilDate, limiter?.unavailableUntilDate].filter(
      (until): until is Date => until !== undefined && until.getTime() > now,
    );
    const pausedUntil = waits.length === 0 ? null : new Date(Math.max(...waits.map((until) => until.getTime())));
    rates.set(name, { rate, pausedUntil, pausedForGood: forGood !== undefined && forGood.getTime() > now });
  }
  return rates;
}

function roughly(value: number): string {
  // Three significant figures from a thousand up: "≈ 22,000", not a precision the estimate does not have.
  const rounded = value >= 1000 ? Number(value.toPrecision(value >= 10_000 ? 2 : 3)) : Math.round(value);
  return rounded.toLocaleString('en');
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
}

function formatRate(rate: number): string {
  return `${Number(rate.toFixed(rate < 10 ? 2 : 0)).toLocaleString('en')}/s`;
}

function describe(estimate: Omit<WarmEstimate, 'summary'>): string {
  const noun = estimate.kind === 'cache-warm' ? 'artists' : 'albums';
  const percent = estimate.entities === 0 ? 100 : Math.round((100 * estimate.fresh) / estimate.entities);
  const head = `${estimate.entities.toLocaleString('en')} ${noun}, ${percent}% fresh`;
  if (estimate.toFetch === 0) return `${head}, nothing to fetch`;
  const asks = estimate.requests
    .filter((entry) => entry.requests > 0)
    .map((entry) => {
      const label = `≈ ${roughly(entry.requests)} ${PROVIDER_LABELS[entry.provider]} requests`;
      if (entry.pausedForGood && entry.pausedUntil !== null)
        return `${label} (paused until ${entry.pausedUntil.toISOString()}: not sent before)`;
      return entry.requestsPerSecond === null ? label : `${label} at ${formatRate(entry.requestsPerSecond)}`;
    });
  const pace =
    estimate.pacedBy === null ? '' : `, ≈ ${formatDuration(estimate.seconds)} (${PROVIDER_LABELS[estimate.pacedBy]})`;
  const assumed = estimate.assumedFallbackShare && estimate.kind === 'cache-warm' ? '; fallback share assumed' : '';
  return `${head}, ${estimate.toFetch.toLocaleString('en')} to fetch: ${asks.join(', ')}${pace}${assumed}`;
}

/** The estimate from the planned requests: rates, durations and the summary line. */
async function buildWarmEstimate(
  deps: Pick<JobDependencies, 'pool' | 'providers' | 'clock'>,
  figures: {
    kind: WarmKind;
    entities: number;
    fresh: number;
    toFetch: number;
    requests: RequestCounts;
    assumedFallbackShare: boolean;
    listed: boolean;
  },
): Promise<WarmEstimate> {
  const rates = await providerRates(deps);
  const now = deps.clock().getTime();
  const requests: ProviderRequestEstimate[] = [];
  for (const provider of ORDER) {
    const planned = Math.round(figures.requests[provider] ?? 0);
    if (planned === 0) continue;
    const { rate, pausedUntil, pausedForGood } = rates.get(provider) ?? {
      rate: null,
      pausedUntil: null,
      pausedForGood: false,
    };
    const waitSeconds = pausedUntil === null ? 0 : (pausedUntil.getTime() - now) / 1000;
    const seconds = rate === null || rate <= 0 ? null : Math.ceil(planned / rate + waitSeconds);
    requests.push({ provider, requests: planned, requestsPerSecond: rate, seconds, pausedUntil, pausedForGood });
  }
  // A provider paused for good is not waited for: the warm goes on without it.
  const paced = requests
    .filter((entry) => entry.seconds !== null && !entry.pausedForGood)
    .sort((a, b) => (b.seconds ?? 0) - (a.seconds ?? 0))[0];
  const estimate = {
    kind: figures.kind,
    entities: figures.entities,
    fresh: figures.fresh,
    toFetch: figures.toFetch,
    requests,
    totalRequests: requests.reduce((total, entry) => total + entry.requests, 0),
    seconds: paced?.seconds ?? 0,
    pacedBy: paced?.provider ?? null,
    assumedFallbackShare: figures.assumedFallbackShare,
    listed: figures.listed,
  };
  return { ...estimate, summary: describe(estimate) };
}

/**
 * Estimates a warm without running it: two Plex requests (the sections and a listing of size 0) and a
 * few counting queries. The fresh entries are the ones the warm skips; the stale ones are planned by
 * what their last fetch asked, the ones the cache lacks by the cache's history.
 */
export async function estimateWarm(
  deps: Pick<JobDependencies, 'pool' | 'providers' | 'clock' | 'config'>,
  kind: string,
  options: { skipCached?: boolean; signal?: AbortSignal } = {},
): Promise<WarmEstimate> {
  if (kind !== 'cache-warm' && kind !== 'cache-warm-albums') throw new NotAWarmError(kind);
  const skipCached = options.skipCached ?? true;
  // Refused as the warm itself would be: without Plex there is no library to count.
  if (!deps.providers.isConfigured('plex')) throw new JobNotConfiguredError(kind, 'plex');
  const plex = deps.providers.require('plex');
  const section = await plex.musicSection(options.signal);
  const now = deps.clock();
  const scope = { now, tiers: deps.config.refresh };
  const asked = askedProviders(deps);

  if (kind === 'cache-warm-albums') {
    const [entities, freshStored] = await Promise.all([
      plex.count(section.key, 'album', options.signal),
      countAlbums(deps.pool, { expired: false }, scope),
    ]);
    const fresh = Math.min(entities, freshStored);
    const toFetch = skipCached ? entities - fresh : entities;
    return countedEstimate(deps, asked, { kind, entities, fresh, toFetch }, albumRequests(asked, toFetch), false);
  }

  const [entities, freshStored, groups] = await Promise.all([
    plex.count(section.key, 'artist', options.signal),
    countArtists(deps.pool, { expired: false }, scope),
    countArtistFetchGroups(deps.pool, now),
  ]);
  const fresh = Math.min(entities, freshStored);
  const toFetch = skipCached ? entities - fresh : entities;
  const shares = fallbackSharesFrom(groups);
  // Entries fetched again: the expired ones (all of them when fresh ones are not skipped), as many as the
  // library still has room for; each planned by what its own last fetch asked.
  const refetched = groups.filter((group) => !skipCached || group.expired);
  const refetchedTotal = refetched.reduce((total, group) => total + group.entries, 0);
  const refetchedInLibrary = Math.min(refetchedTotal, toFetch);
  const scale = refetchedTotal === 0 ? 0 : refetchedInLibrary / refetchedTotal;
  const requests: RequestCounts = {};
  for (const group of refetched) {
    addRequests(
      requests,
      artistRequests(
        {
          previous: {
            musicbrainz: group.musicbrainz === null ? undefined : musicbrainzOutcome(group.musicbrainz),
            spotify: group.spotify,
          },
          plexGenres: group.plexGenres,
          musicbrainzId: group.musicbrainzId,
        },
        asked,
        shares,
        group.entries * scale,
      ),
    );
  }
  addRequests(
    requests,
    artistRequests({ musicbrainzId: shares.withMusicbrainzId }, asked, shares, toFetch - refetchedInLibrary),
  );
  return countedEstimate(deps, asked, { kind, entities, fresh, toFetch }, requests, shares.sample === 0);
}

/** An estimate from the library's size and the cache's counts: the providers' requests plus Plex's listing. */
function countedEstimate(
  deps: Pick<JobDependencies, 'pool' | 'providers' | 'clock'>,
  asked: AskedProviders,
  figures: { kind: WarmKind; entities: number; fresh: number; toFetch: number },
  requests: RequestCounts,
  assumedFallbackShare: boolean,
): Promise<WarmEstimate> {
  const pages = listingPages(figures.entities);
  // The listing's pages, and a detail request for each page with something to fetch.
  if (asked.configured('plex')) requests.plex = plexRequests(pages, Math.min(pages, figures.toFetch));
  return buildWarmEstimate(deps, { ...figures, requests, assumedFallbackShare, listed: false });
}

/**
 * A dry run's result: the estimate from what its listing found (every page read, each entity planned),
 * as its message (`dry run: ` and the summary) and as figures.
 */
export async function dryRunResult(
  deps: Pick<JobDependencies, 'pool' | 'providers' | 'clock'>,
  kind: WarmKind,
  tally: WarmRequestTally,
  done: Pick<ProgressSnapshot, 'total' | 'sourceCounts'>,
): Promise<JobResult> {
  const estimate = await buildWarmEstimate(deps, {
    kind,
    entities: done.total,
    fresh: done.sourceCounts.cached ?? 0,
    toFetch: tally.toFetch,
    requests: tally.requests(),
    assumedFallbackShare: kind === 'cache-warm' && tally.shares.sample === 0,
    listed: true,
  });
  return { message: `dry run: ${estimate.summary}`, estimate };
}
