// A provider's rate is one budget for the installation, shared only among the processes that call the
// provider: two process runtimes (each with its own provider clients and limiters, as two `linernotes`
// processes have) against one database and the Last.fm simulator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logger.ts';
import { type ProcessRuntime, startProcessRuntime } from '../../src/process-runtime.ts';
import { type Harness, startHarness } from '../support/harness.ts';

const BUDGET = 8;

describe('the provider rate budget across processes', () => {
  let harness: Harness;
  let other: ProcessRuntime;
  let otherStopped = false;

  const rateOf = (runtime: ProcessRuntime) => runtime.providers.limiter('lastfm')?.configuredRate;
  const names = ['Radiohead', 'Portishead', 'Massive Attack', 'Bjork'];

  /** Calls Last.fm through the process's real client until `until` holds; what a warm in that process does. */
  async function keepCalling(runtime: ProcessRuntime, until: () => boolean, timeoutMs = 15_000): Promise<number> {
    const lastfm = runtime.providers.require('lastfm');
    const deadline = Date.now() + timeoutMs;
    let calls = 0;
    while (!until()) {
      if (Date.now() > deadline) throw new Error(`condition not reached after ${calls} Last.fm calls`);
      await lastfm.artistTopTags(names[calls % names.length] ?? 'Radiohead').catch(() => undefined);
      calls += 1;
    }
    return calls;
  }

  beforeAll(async () => {
    harness = await startHarness({
      sims: { seed: 5, artists: 10, specialNames: false },
      env: { LASTFM_RPS: String(BUDGET), WORKER_STALE_SECONDS: '2' },
    });
    other = await startProcessRuntime({ config: harness.config, db: harness.db, logger: silentLogger() });
  }, 60_000);

  afterAll(async () => {
    if (!otherStopped) await other?.stop();
    await harness?.close();
  });

  it('gives the whole budget to the one process calling, and halves it while a second one calls too', async () => {
    // Nobody calls yet: each would have the whole budget.
    await expect.poll(() => [rateOf(harness.runtime), rateOf(other)], { timeout: 5_000 }).toEqual([BUDGET, BUDGET]);

    // This process calls; the idle one beside it (an API process, say) takes nothing from it, and already
    // holds the half it would get if it started calling.
    await keepCalling(harness.runtime, () => rateOf(other) === BUDGET / 2);
    expect(rateOf(harness.runtime)).toBe(BUDGET);
    expect(harness.runtime.rateShare.callingProviders.has('lastfm')).toBe(true);
    expect(other.rateShare.callingProviders.has('lastfm')).toBe(false);

    // Both call: half each.
    await Promise.all([
      keepCalling(harness.runtime, () => rateOf(harness.runtime) === BUDGET / 2),
      keepCalling(other, () => rateOf(harness.runtime) === BUDGET / 2),
    ]);
    expect(rateOf(other)).toBe(BUDGET / 2);
    const { rows } = await harness.db.pool.query<{ count: number }>(
      "SELECT count(*)::int AS count FROM provider_callers WHERE provider = 'lastfm'",
    );
    expect(rows[0]?.count).toBe(2);
  }, 60_000);

  it('gives the budget back when the other process stops calling, or stops', async () => {
    // The second process goes quiet: after its idle period it withdraws, and this one gets everything back.
    await keepCalling(harness.runtime, () => rateOf(harness.runtime) === BUDGET, 20_000);
    expect(other.rateShare.callingProviders.has('lastfm')).toBe(false);

    // A process that stops withdraws at once: the one left, idle or not, may spend the whole budget.
    await keepCalling(other, () => rateOf(harness.runtime) === BUDGET / 2);
    const otherId = other.registry.id;
    await other.stop();
    otherStopped = true;
    await expect.poll(() => rateOf(harness.runtime), { timeout: 5_000 }).toBe(BUDGET);
    const { rows } = await harness.db.pool.query<{ count: number }>(
      'SELECT count(*)::int AS count FROM provider_callers WHERE process_id = $1',
      [otherId],
    );
    expect(rows[0]?.count).toBe(0);
  }, 60_000);
});
