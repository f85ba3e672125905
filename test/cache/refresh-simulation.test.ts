import { describe, expect, it } from 'vitest';
import { runCacheSimulation, type SimulationOptions } from './simulation/cache-simulation.ts';

// Defaults of config.ts: TTLs 180/90 days ±10%, tiers 30/180/365 days, lookahead 7 days, floor 10.
// The request cap is Last.fm's 4 requests/s over half an hour, far above what a run needs: the point is
// that the planner stays smooth on its own.
const year: SimulationOptions = {
  seed: 20261126,
  hours: 365 * 24,
  artists: 20_000,
  albums: 60_000,
  readsPerHour: 100,
  zipfExponent: 1,
  driftSwapsPerDay: 100,
  newAlbumsPerWeek: 60,
  newArtistsPerWeek: 20,
  musicbrainzShare: 0.15,
  spotifyShare: 0.5,
  ttl: { artistDays: 180, albumDays: 90, jitter: 0.1 },
  tiers: { hotDays: 30, warmDays: 180, coldDays: 365, refreshCold: false },
  plan: { floor: 10, lookaheadHours: 7 * 24, requestCap: 4 * 1800, smoothing: true },
};

describe('a year of hourly refresh runs', () => {
  it('never serves a hot entry expired, and keeps the busiest hour within twice the mean', async () => {
    const result = await runCacheSimulation(year);
    const busiest = result.busiestHour;
    console.log(
      [
        `simulated ${result.hours} hourly runs over ${result.population.artists} artists and ${result.population.albums} albums, ${result.reads} reads`,
        `hot entries served expired: ${result.hotServedExpired} (warm: ${result.warmServedExpired}; cold entries read after lapsing, revalidated at once: ${result.coldServedExpired})`,
        `provider requests per hour: mean ${result.meanRequestsPerHour.toFixed(1)}, busiest ${result.busiestHourRequests} ` +
          `(hour ${busiest}, day ${Math.floor(busiest / 24)}, of which revalidations ${result.revalidationRequestsPerHour[busiest] ?? 0}), ` +
          `ratio ${(result.busiestHourRequests / result.meanRequestsPerHour).toFixed(2)}`,
        `refreshed ${result.refreshed.artists} artists and ${result.refreshed.albums} albums, ` +
          `on average ${(result.meanRefreshLeadHours / 24).toFixed(1)} days before expiry; largest run ${result.maxBudget} entries; ` +
          `runs by reason ${JSON.stringify(result.reasons)}`,
        `tiers at the end: artists ${JSON.stringify(result.finalTiers.artists)}, albums ${JSON.stringify(result.finalTiers.albums)}`,
      ].join('\n'),
    );

    expect(result.hotServedExpired).toBe(0);
    expect(result.busiestHourRequests).toBeLessThanOrEqual(2 * result.meanRequestsPerHour);

    // The year was a real test: the cache was used, hot entries existed and were refreshed many times over.
    expect(result.tierMismatches).toBe(0);
    expect(result.tierChecks).toBeGreaterThan(1000);
    expect(result.finalTiers.albums.hot).toBeGreaterThan(5000);
    expect(result.refreshed.albums).toBeGreaterThan(result.population.albums);
    expect(result.cappedRuns).toBe(0);
    expect(result.reasons.smoothing).toBeGreaterThan(0);
  }, 60_000);
});
