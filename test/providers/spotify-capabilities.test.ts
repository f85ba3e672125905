// What Spotify gives this app (artist genres or none) is found out once and kept in PostgreSQL: another
// process, or a restart after a crash, takes the finding over instead of spending a search on it, until
// it is a day old or was made with other credentials.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../src/logger.ts';
import { startProcessRuntime } from '../../src/process-runtime.ts';
import { type Harness, startHarness } from '../support/harness.ts';

describe("Spotify's capability probe", () => {
  let harness: Harness;
  const searches = (): number => harness.sims.log.count({ provider: 'spotify', path: '/v1/search' });
  const stored = async () =>
    (
      await harness.db.pool.query<{ genres: string; checked_at: Date }>(
        `SELECT genres, checked_at FROM provider_capabilities WHERE provider = 'spotify'`,
      )
    ).rows[0];
  const startAnother = () => startProcessRuntime({ config: harness.config, db: harness.db, logger: silentLogger() });

  beforeAll(async () => {
    harness = await startHarness({ sims: { seed: 5, artists: 10 } });
    harness.sims.spotify.setQuirks({ devGenres: 'absent' });
  }, 60_000);
  afterAll(async () => {
    await harness.close();
  });

  it('is stored by the first process and taken over by the next ones without a request', async () => {
    // The harness' process probed at its start (before the quirk); probe again the way a new process does.
    await vi.waitFor(async () => expect(await stored()).toBeDefined());
    await harness.db.pool.query('DELETE FROM provider_capabilities');
    const first = await startAnother();
    try {
      await vi.waitFor(async () => expect((await stored())?.genres).toBe('unavailable'));
    } finally {
      await first.stop();
    }
    const before = searches();
    for (let restart = 0; restart < 3; restart += 1) {
      const next = await startAnother();
      try {
        await vi.waitFor(() => expect(next.providers.require('spotify').getCapabilities().genres).toBe('unavailable'));
      } finally {
        await next.stop();
      }
    }
    expect(searches()).toBe(before);
  });

  it('is made again when the finding is a day old or about other credentials', async () => {
    harness.sims.spotify.setQuirks({ devGenres: 'present' });
    await harness.db.pool.query(`UPDATE provider_capabilities SET checked_at = now() - interval '25 hours'`);
    const before = searches();
    const aged = await startAnother();
    try {
      await vi.waitFor(async () => expect((await stored())?.genres).toBe('available'));
      expect(aged.providers.require('spotify').getCapabilities().genres).toBe('available');
    } finally {
      await aged.stop();
    }
    expect(searches()).toBe(before + 1);

    harness.sims.spotify.setQuirks({ devGenres: 'absent' });
    await harness.db.pool.query(`UPDATE provider_capabilities SET credential_digest = 'another key'`);
    const rekeyed = await startAnother();
    try {
      await vi.waitFor(async () => expect((await stored())?.genres).toBe('unavailable'));
    } finally {
      await rekeyed.stop();
    }
    expect(searches()).toBe(before + 2);
  });
});
