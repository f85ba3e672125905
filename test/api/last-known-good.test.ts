// Last known good: a refresh during which every provider fails (the simulators answer every request
// with a 500) keeps every entry's genres, styles and moods, field by field, as the providers last gave
// them; each entry says which provider parts are stale and since when; the next successful refresh
// replaces them and the entries are no longer stale.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJobNow } from '../../src/jobs/start-job.ts';
import { type Harness, startHarness } from '../support/harness.ts';
import { httpQuery } from '../support/graphql-clients.ts';
import { type ApiServer, startApiServer } from './support/api-server.ts';
import { FAST_ENV, populate } from './support/populate.ts';
import { NO_SCHEDULES } from './support/worker.ts';

interface StaleSource {
  source: string;
  fetchedAt: string;
  failedAt: string;
  error: string | null;
}

interface EntryView {
  key: string;
  genres: string[];
  styles: string[];
  moods: string[];
  source: string;
  status: string;
  fetchedAt: string;
  staleSources: StaleSource[];
}

const ENTRY_FIELDS = 'genres styles moods source status fetchedAt staleSources { source fetchedAt failedAt error }';

describe('a refresh with every provider failing', () => {
  let harness: Harness;
  let api: ApiServer;

  beforeAll(async () => {
    harness = await startHarness({
      sims: { seed: 7, artists: 6 },
      env: { ...FAST_ENV, ...NO_SCHEDULES },
      // One attempt per call and no open breaker: every provider is really asked, and really fails, at once.
      providerTuning: { tuning: { http: { maxAttempts: 1 }, breaker: { failureThreshold: 1_000_000 } } },
    });
    await populate(harness, ['cache-warm', 'cache-warm-albums']);
    api = await startApiServer(harness);
  }, 120_000);
  afterAll(async () => {
    await api?.close();
    await harness?.close();
  });

  async function entries(): Promise<EntryView[]> {
    const artists = await httpQuery<{ artists: { nodes: Array<Omit<EntryView, 'key'> & { name: string }> } }>(
      api.url,
      `{ artists(first: 100) { nodes { name ${ENTRY_FIELDS} } } }`,
    );
    const albums = await httpQuery<{
      albums: { nodes: Array<Omit<EntryView, 'key'> & { artistName: string; title: string }> };
    }>(api.url, `{ albums(first: 100) { nodes { artistName title ${ENTRY_FIELDS} } } }`);
    expect(artists.errors).toBeUndefined();
    expect(albums.errors).toBeUndefined();
    return [
      ...(artists.data?.artists.nodes ?? []).map(({ name, ...entry }) => ({ key: `artist ${name}`, ...entry })),
      ...(albums.data?.albums.nodes ?? []).map(({ artistName, title, ...entry }) => ({
        key: `album ${artistName} - ${title}`,
        ...entry,
      })),
    ].sort((a, b) => a.key.localeCompare(b.key));
  }

  /** The providers whose stored part of the entry holds tags (what a failure could lose). */
  async function providersWithTags(): Promise<Map<string, string[]>> {
    const { rows } = await harness.db.pool.query<{
      key: string;
      raw_tags: Record<string, { genres?: unknown[]; styles?: unknown[]; moods?: unknown[] }>;
    }>(
      `SELECT 'artist ' || name AS key, raw_tags FROM artist_cache
       UNION ALL SELECT 'album ' || artist_name || ' - ' || title, raw_tags FROM album_cache`,
    );
    return new Map(
      rows.map((row) => [
        row.key,
        Object.entries(row.raw_tags)
          .filter(
            ([source, record]) =>
              source !== 'artist' &&
              [record.genres, record.styles, record.moods].some((tags) => (tags?.length ?? 0) > 0),
          )
          .map(([source]) => source)
          .sort(),
      ]),
    );
  }

  /** Every entry expired, and read lately (a hot entry: the refresh takes it first). */
  async function expireEverything(): Promise<void> {
    await harness.db.pool.query(`UPDATE artist_cache SET expires_at = now() - interval '1 day', last_used_at = now()`);
    await harness.db.pool.query(`UPDATE album_cache SET expires_at = now() - interval '1 day', last_used_at = now()`);
  }

  async function refresh(): Promise<void> {
    const outcome = await runJobNow(harness.runtime, 'cache-refresh', {});
    expect(outcome.outcome).toBe('finished');
  }

  const sims = () => [harness.sims.plex, harness.sims.lastfm, harness.sims.musicbrainz, harness.sims.spotify];

  it('keeps every field of every entry and says which provider parts are stale', async () => {
    const before = await entries();
    const withTags = await providersWithTags();
    expect(before.length).toBeGreaterThan(10);
    expect(before.every((entry) => entry.staleSources.length === 0)).toBe(true);
    // Entries have parts from Plex and from Last.fm (this library needs no fallback provider).
    const partsBefore = new Set([...withTags.values()].flat());
    expect([...partsBefore].sort()).toEqual(expect.arrayContaining(['lastfm', 'plex']));

    for (const sim of sims()) sim.faults.set({ errorRate: 1 });
    const since = Date.now();
    try {
      await expireEverything();
      await refresh();
    } finally {
      for (const sim of sims()) sim.faults.set({ errorRate: 0 });
    }
    // Every provider that had a part was asked again, and every request failed.
    const asked = harness.sims.log.filter({ since });
    expect(new Set(asked.map((entry) => entry.provider))).toEqual(partsBefore);
    expect(asked.every((entry) => entry.status >= 500)).toBe(true);

    const after = await entries();
    expect(after.map((entry) => entry.key)).toEqual(before.map((entry) => entry.key));
    for (const [index, entry] of after.entries()) {
      const old = before[index];
      // Fetched again now (so the refresh did reach it), every field as before.
      expect(new Date(entry.fetchedAt).getTime(), entry.key).toBeGreaterThanOrEqual(since - 1000);
      expect({
        key: entry.key,
        genres: entry.genres,
        styles: entry.styles,
        moods: entry.moods,
        source: entry.source,
      }).toEqual({
        key: old?.key,
        genres: old?.genres,
        styles: old?.styles,
        moods: old?.moods,
        source: old?.source,
      });
      // Every provider part that held tags is stale, dated by the fetch it came from, with the failure.
      const stale = entry.staleSources;
      expect(stale.map((part) => part.source.toLowerCase()).sort(), entry.key).toEqual(withTags.get(entry.key));
      for (const part of stale) {
        expect(part.fetchedAt, entry.key).toBe(old?.fetchedAt);
        expect(new Date(part.failedAt).getTime()).toBeGreaterThanOrEqual(since - 1000);
        expect(part.error).toMatch(/^unavailable: .*HTTP 500/);
      }
      if (stale.length > 0) expect(['ERROR', 'PARTIAL']).toContain(entry.status);
    }
    expect(after.some((entry) => entry.staleSources.length > 0)).toBe(true);
  }, 120_000);

  it('a second failing refresh keeps the first answer’s date; the next good one ends the staleness', async () => {
    const first = await entries();
    for (const sim of sims()) sim.faults.set({ errorRate: 1 });
    try {
      await expireEverything();
      await refresh();
    } finally {
      for (const sim of sims()) sim.faults.set({ errorRate: 0 });
    }
    const second = await entries();
    expect(
      second.every((entry) => entry.fetchedAt > (first.find((old) => old.key === entry.key)?.fetchedAt ?? '')),
    ).toBe(true);
    for (const [index, entry] of second.entries()) {
      const old = first[index];
      expect(entry.genres).toEqual(old?.genres);
      // Still dated by the answer the tags came from, not by the first failure.
      expect(entry.staleSources.map((part) => part.fetchedAt)).toEqual(old?.staleSources.map((part) => part.fetchedAt));
    }

    await expireEverything();
    await refresh();
    const recovered = await entries();
    // Fetched again by this refresh, from providers that answer again.
    const recoveredAt = Math.min(...recovered.map((entry) => new Date(entry.fetchedAt).getTime()));
    expect(recoveredAt).toBeGreaterThan(Math.max(...second.map((entry) => new Date(entry.fetchedAt).getTime())));
    expect(recovered.every((entry) => entry.staleSources.length === 0)).toBe(true);
    expect(recovered.every((entry) => entry.status === 'OK' || entry.status === 'EMPTY')).toBe(true);
  }, 120_000);
});
