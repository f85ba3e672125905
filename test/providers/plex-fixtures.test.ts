// The Plex client fed response bodies written by hand from Plex's documented shapes (test/providers/
// fixtures/plex), served by a real HTTP server: the client and the simulator cannot drift away from the
// real service together.
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import { createProviders } from '../../src/providers/create-providers.ts';
import { type PlexClient, plexMetadataResponseShape, readPlexMetadataResponse } from '../../src/providers/plex.ts';
import { FAST } from './support.ts';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'plex');
const TOKEN = 'fixture-token';

// Path → fixture file; anything else is Plex's 404.
const ROUTES: Record<string, string> = {
  '/library/sections/5/all': 'track-list-page.json',
  '/library/metadata/158': 'track-detail.json',
  '/library/metadata/158,159': 'metadata-batch.json',
};

let server: Server;
let plex: PlexClient;
const seen: Array<{ path: string; query: URLSearchParams; headers: IncomingMessage['headers'] }> = [];

beforeAll(async () => {
  const bodies = new Map<string, string>();
  for (const [route, file] of Object.entries(ROUTES))
    bodies.set(route, await readFile(path.join(fixtures, file), 'utf8'));
  server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://fixture');
    seen.push({ path: url.pathname, query: url.searchParams, headers: request.headers });
    const body = bodies.get(url.pathname);
    if (request.headers['x-plex-token'] !== TOKEN) {
      response
        .writeHead(401, { 'content-type': 'text/html' })
        .end('<html><body><h1>401 Unauthorized</h1></body></html>');
    } else if (body === undefined) {
      response.writeHead(404, { 'content-type': 'text/html' }).end('<html><body><h1>404 Not Found</h1></body></html>');
    } else {
      response.writeHead(200, { 'content-type': 'application/json' }).end(body);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const config = parseConfig({ PLEX_URL: `http://127.0.0.1:${port}`, PLEX_TOKEN: TOKEN }, process.cwd());
  const providers = createProviders(config.providers, { logger: pino({ level: 'silent' }), tuning: FAST });
  plex = providers.require('plex');
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  seen.length = 0;
});

describe('Plex client on the documented shapes', () => {
  it('reads a track list page: statistics and MusicBrainz id, and no tags (list views have none)', async () => {
    const pages = [];
    for await (const page of plex.trackPages('5', { pageSize: 2 })) pages.push(page);
    expect(pages[0]?.totalSize).toBe(3);
    const [first, second] = pages[0]?.items ?? [];
    expect(first).toMatchObject({
      ratingKey: '158',
      title: 'Night Owl',
      artistName: 'Broke For Free',
      albumTitle: 'Layers',
      albumRatingKey: '157',
      trackNumber: 1,
      discNumber: 1,
      durationMs: 322000,
      year: 2012,
      userRating: 8,
      viewCount: 12,
      skipCount: 2,
      musicbrainzId: '6524bc2d-3f58-4afa-9e06-00a651f5d813',
      genres: [],
      styles: [],
      moods: [],
    });
    expect(first?.lastViewedAt?.toISOString()).toBe(new Date(1730400000 * 1000).toISOString());
    // Statistics absent on the wire are zero or unset, not an error.
    expect(second).toMatchObject({ ratingKey: '159', viewCount: 3, skipCount: 0, userRating: undefined, moods: [] });
  });

  it('reads the Mood and Genre tags and the mbid:// Guid of a track’s detail view', async () => {
    const details = await plex.trackDetails(['158']);
    expect(seen.map((request) => request.path)).toEqual(['/library/metadata/158']);
    expect(details.get('158')).toMatchObject({
      ratingKey: '158',
      title: 'Night Owl',
      artistName: 'Broke For Free',
      musicbrainzId: '6524bc2d-3f58-4afa-9e06-00a651f5d813',
      genres: ['Electronic'],
      moods: ['Atmospheric', 'Calm/Peaceful', 'Dreamy', 'Hypnotic', 'Introspective', 'Reflective', 'Soothing'],
      viewCount: 12,
    });
    await expect(plex.track('158')).resolves.toMatchObject({
      moods: expect.arrayContaining(['Dreamy']) as unknown as string[],
    });
  });

  it('asks for several tracks in one comma list and reads every item of the answer', async () => {
    const details = await plex.trackDetails(['158', '159', '158']);
    expect(seen.map((request) => request.path)).toEqual(['/library/metadata/158,159']);
    expect(seen[0]?.headers.accept).toContain('application/json');
    expect([...details.keys()]).toEqual(['158', '159']);
    expect(details.get('159')).toMatchObject({
      title: 'Washed Out',
      genres: ['Electronic', 'Downtempo'],
      moods: ['Melancholy', 'Reflective', 'Wistful', 'Bittersweet', 'Calm/Peaceful', 'Nocturnal'],
      musicbrainzId: '0f9d5f4c-1a3e-4b8e-9c55-9c1f6e2b7d40',
    });
    // Asked as tracks, a detail answer holds no artist: items of another type are left out.
    await expect(plex.artistDetails(['158', '159'])).resolves.toEqual(new Map());
  });

  it('treats Plex’s 404 for keys it does not know as "none of them", not a failure', async () => {
    await expect(plex.trackDetails(['999'])).resolves.toEqual(new Map());
    await expect(plex.trackDetails([])).resolves.toEqual(new Map());
    expect(seen.map((request) => request.path)).toEqual(['/library/metadata/999']);
  });

  it('reads each documented body exactly as the zod statement of the shape does, and refuses what it refuses', async () => {
    for (const file of Object.values(ROUTES)) {
      const body: unknown = JSON.parse(await readFile(path.join(fixtures, file), 'utf8'));
      const read = readPlexMetadataResponse(body);
      expect(read.success, file).toBe(true);
      expect(read.data).toEqual(plexMetadataResponseShape.parse(body));
    }
    const page = JSON.parse(await readFile(path.join(fixtures, 'track-list-page.json'), 'utf8')) as {
      MediaContainer: { Metadata: Array<Record<string, unknown>> };
    };
    const broken = (change: (item: Record<string, unknown>) => void) => {
      const copy = structuredClone(page);
      change(copy.MediaContainer.Metadata[0] as Record<string, unknown>);
      return copy;
    };
    const cases = [
      broken((item) => (item.ratingKey = { id: 1 })),
      broken((item) => delete item.ratingKey),
      broken((item) => (item.viewCount = 'many')),
      broken((item) => (item.Mood = [{ name: 'Dreamy' }])),
      broken((item) => (item.Guid = 'mbid://x')),
      { MediaContainer: { Metadata: {} } },
      { nothing: true },
    ];
    for (const body of cases) {
      expect(plexMetadataResponseShape.safeParse(body).success).toBe(false);
      expect(readPlexMetadataResponse(body).success).toBe(false);
    }
    // Numbers sent as strings and ids sent as numbers are read alike by both.
    const lenient = broken((item) => {
      item.viewCount = '12';
      item.grandparentRatingKey = 156;
    });
    expect(readPlexMetadataResponse(lenient).data).toEqual(plexMetadataResponseShape.parse(lenient));
  });
});
