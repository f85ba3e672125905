// The coverage report over a library built with known gaps, through GraphQL and `linernotes coverage`:
// shares with genres, moods and audio features, by source, entries nobody knew or matched ambiguously,
// and the raw tags the genre rules drop or leave unmapped.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Prisma } from '../../src/generated/prisma/client.ts';
import { runCli } from '../support/cli.ts';
import { httpQuery } from '../support/graphql-clients.ts';
import { type Harness, startHarness } from '../support/harness.ts';
import { type ApiServer, startApiServer } from './support/api-server.ts';
import { NO_SCHEDULES } from './support/worker.ts';

const AT = '2026-12-01T10:00:00.000Z';
const EXPIRES = new Date('2027-06-01T00:00:00.000Z');
const lastfm = (...tags: string[]) => ({
  outcome: 'answered',
  at: AT,
  genres: tags.map((name, index) => ({ name, weight: 100 - index * 10 })),
});

/**
 * 10 artists: 4 from Last.fm alone (2 with moods), 2 from Plex and Last.fm, 1 from MusicBrainz, 2 nobody
 * knew, 1 MusicBrainz could not tell apart. Last.fm's raw tags carry `seen live` (blocklisted) on 4
 * artists and `zorbcore` (no alias) on 6 artists and 1 album; `happy` is a mood and `rock music` an alias.
 */
const ARTISTS: Array<{
  key: string;
  genres: string[];
  moods?: string[];
  source: string[];
  rawTags: Prisma.InputJsonValue;
}> = [
  {
    key: 'a1',
    genres: ['Rock'],
    moods: ['Happy'],
    source: ['lastfm'],
    rawTags: { lastfm: lastfm('rock', 'seen live', 'zorbcore') },
  },
  {
    key: 'a2',
    genres: ['Rock'],
    moods: ['Happy'],
    source: ['lastfm'],
    rawTags: { lastfm: lastfm('rock music', 'seen live', 'zorbcore') },
  },
  {
    key: 'a3',
    genres: ['Rock'],
    source: ['lastfm'],
    rawTags: { lastfm: lastfm('rock', 'seen live', 'Zorbcore', 'happy') },
  },
  { key: 'a4', genres: ['Rock'], source: ['lastfm'], rawTags: { lastfm: lastfm('rock', 'Seen Live', 'zorbcore') } },
  {
    key: 'a5',
    genres: ['Jazz'],
    source: ['plex', 'lastfm'],
    rawTags: { plex: { outcome: 'answered', at: AT, genres: [{ name: 'Jazz' }] }, lastfm: lastfm('jazz', 'zorbcore') },
  },
  {
    key: 'a6',
    genres: ['Jazz'],
    source: ['plex', 'lastfm'],
    rawTags: { plex: { outcome: 'answered', at: AT, genres: [{ name: 'Jazz' }] }, lastfm: lastfm('jazz', 'zorbcore') },
  },
  {
    key: 'a7',
    genres: ['Electronic'],
    source: ['musicbrainz'],
    rawTags: { musicbrainz: { outcome: 'answered', at: AT, genres: [{ name: 'electronic', weight: 3 }] } },
  },
  { key: 'a8', genres: [], source: [], rawTags: { lastfm: { outcome: 'not-found', at: AT } } },
  { key: 'a9', genres: [], source: [], rawTags: {} },
  {
    key: 'a10',
    genres: [],
    source: [],
    rawTags: {
      musicbrainz: { outcome: 'cannot-say', at: AT, reason: 'ambiguous: 2 MusicBrainz artists are named "A10"' },
    },
  },
];

describe('coverage', () => {
  let harness: Harness;
  let api: ApiServer;
  let workDir: string;

  beforeAll(async () => {
    harness = await startHarness({ sims: { seed: 5, artists: 1 }, env: NO_SCHEDULES });
    const prisma = harness.db.prisma;
    await prisma.artistCache.createMany({
      data: ARTISTS.map((artist) => ({
        nameKey: artist.key,
        name: artist.key.toUpperCase(),
        genres: artist.genres,
        moods: artist.moods ?? [],
        source: artist.source,
        status: artist.source.length === 0 ? 'empty' : 'ok',
        rawTags: artist.rawTags,
        expiresAt: EXPIRES,
      })),
    });
    // 4 albums: one from Last.fm (zorbcore among its raw tags), one borrowing its artist's genres, two unknown.
    await prisma.albumCache.createMany({
      data: [
        { titleKey: 'b1', genres: ['Rock'], source: ['lastfm'], rawTags: { lastfm: lastfm('rock', 'zorbcore') } },
        { titleKey: 'b2', genres: ['Rock'], source: ['artist'], rawTags: {} },
        { titleKey: 'b3', genres: [], source: [], rawTags: {} },
        { titleKey: 'b4', genres: [], source: [], rawTags: {} },
      ].map((album) => ({
        ...album,
        artistKey: 'a1',
        artistName: 'A1',
        title: album.titleKey.toUpperCase(),
        expiresAt: EXPIRES,
      })),
    });
    // 5 tracks: t1 and t2 with genres, t3 with moods only, t1 and t4 with audio features, t5 with nothing.
    const track = (
      ratingKey: string,
      artistKey: string,
      albumKey: string | null,
      genres: string[],
      moods: string[],
    ) => ({
      ratingKey,
      title: ratingKey,
      artistName: artistKey,
      artistKey,
      albumKey,
      genres,
      moods,
      staticExpiresAt: EXPIRES,
      statsExpiresAt: EXPIRES,
    });
    await prisma.trackCache.createMany({
      data: [
        track('t1', 'a1', 'b1', ['Rock'], []),
        track('t2', 'a1', 'b2', ['Rock'], []),
        track('t3', 'a2', null, [], ['Calm']),
        track('t4', 'a5', null, [], []),
        track('t5', 'a9', null, [], []),
      ],
    });
    await prisma.audioFeatures.createMany({
      data: [
        { trackRatingKey: 't1', tempo: 120 },
        { trackRatingKey: 't4', tempo: 90 },
      ],
    });
    api = await startApiServer(harness);
    workDir = await mkdtemp(path.join(os.tmpdir(), 'linernotes-coverage-'));
  }, 60_000);

  afterAll(async () => {
    await api?.close();
    await harness?.close();
    await rm(workDir, { recursive: true, force: true });
  });

  const share = (entries: number, total: number) => ({ entries, share: entries / total });
  const expected = {
    artists: {
      total: 10,
      withGenres: share(7, 10),
      withMoods: share(2, 10),
      withAudioFeatures: share(2, 10),
      nobodyKnew: share(3, 10),
      ambiguous: share(1, 10),
      bySource: [
        { source: 'lastfm', ...share(6, 10) },
        { source: 'plex', ...share(2, 10) },
        { source: 'musicbrainz', ...share(1, 10) },
      ],
    },
    albums: {
      total: 4,
      withGenres: share(2, 4),
      withMoods: share(0, 4),
      withAudioFeatures: share(1, 4),
      nobodyKnew: share(2, 4),
      ambiguous: share(0, 4),
      bySource: [
        { source: 'artist', ...share(1, 4) },
        { source: 'lastfm', ...share(1, 4) },
      ],
    },
    tracks: {
      total: 5,
      withGenres: share(2, 5),
      withMoods: share(1, 5),
      withAudioFeatures: share(2, 5),
      nobodyKnew: share(1, 5),
      ambiguous: share(0, 5),
      bySource: [
        { source: 'plex', ...share(3, 5) },
        { source: 'audiomuse', ...share(2, 5) },
      ],
    },
    ambiguousArtists: ['A10'],
    tagCandidates: [
      { tag: 'zorbcore', reason: 'unmapped', entries: 7, artists: 6, albums: 1, providers: ['lastfm'] },
      { tag: 'seen live', reason: 'blocked', entries: 4, artists: 4, albums: 0, providers: ['lastfm'] },
    ],
  };

  const SHARE = 'entries share';
  const ENTITY = `total withGenres { ${SHARE} } withMoods { ${SHARE} } withAudioFeatures { ${SHARE} }
    nobodyKnew { ${SHARE} } ambiguous { ${SHARE} } bySource { source ${SHARE} }`;
  const QUERY = `query($tagLimit: Int) { coverage(tagLimit: $tagLimit) {
    artists { ${ENTITY} } albums { ${ENTITY} } tracks { ${ENTITY} } ambiguousArtists
    tagCandidates { tag reason entries artists albums providers } } }`;

  it('answers the known figures over GraphQL', async () => {
    const result = await httpQuery<{ coverage: typeof expected }>(api.url, QUERY);
    expect(result.errors).toBeUndefined();
    expect(result.data?.coverage).toEqual({
      ...expected,
      tagCandidates: expected.tagCandidates.map((tag) => ({ ...tag, reason: tag.reason.toUpperCase() })),
    });

    const one = await httpQuery<{ coverage: typeof expected }>(api.url, QUERY, { tagLimit: 1 });
    expect(one.data?.coverage.tagCandidates.map((tag) => tag.tag)).toEqual(['zorbcore']);
  });

  it('refuses a tag limit out of range with INVALID_INPUT', async () => {
    const result = await httpQuery(api.url, QUERY, { tagLimit: 500 });
    expect(result.errors?.[0]?.extensions?.code).toBe('INVALID_INPUT');
    expect(result.errors?.[0]?.message).toMatch(/tagLimit must be between 0 and 200/);
  });

  it('prints the same figures with `linernotes coverage`', async () => {
    const json = await runCli(['coverage', '--json'], { env: harness.env, cwd: workDir });
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(expected);

    const table = await runCli(['coverage'], { env: harness.env, cwd: workDir });
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(
      /^artists\s+10\s+7 \(70\.0%\)\s+2 \(20\.0%\)\s+2 \(20\.0%\)\s+3 \(30\.0%\)\s+1 \(10\.0%\)$/m,
    );
    expect(table.stdout).toMatch(
      /^tracks\s+5\s+2 \(40\.0%\)\s+1 \(20\.0%\)\s+2 \(40\.0%\)\s+1 \(20\.0%\)\s+0 \(0\.0%\)$/m,
    );
    expect(table.stdout).toContain('artists by source: lastfm 6 (60.0%), plex 2 (20.0%), musicbrainz 1 (10.0%)');
    expect(table.stdout).toContain('ambiguous artists: A10');
    expect(table.stdout).toMatch(/^zorbcore\s+unmapped\s+7\s+6\s+1\s+lastfm$/m);
    expect(table.stdout).toMatch(/^seen live\s+blocked\s+4\s+4\s+0\s+lastfm$/m);
  }, 60_000);
});
