// The AudioMuse client fed the sync answers exactly as AudioMuse-AI writes them (hand-written fixtures in
// test/fixtures/audiomuse, from its app_sync.py), served over real HTTP, so that the client cannot drift
// away from the real service together with the simulator.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import { parseOtherFeatures } from '../../src/providers/audiomuse.ts';
import { type Providers, createProviders } from '../../src/providers/create-providers.ts';
import { FAST } from './support.ts';

const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/audiomuse/${name}`, import.meta.url), 'utf8');

describe('AudioMuse client against the real sync answers', () => {
  let server: Server;
  let providers: Providers;
  const seen: Array<{ target: string; authorization: string | undefined }> = [];

  beforeAll(async () => {
    server = createServer((request: IncomingMessage, response) => {
      const url = new URL(request.url ?? '/', 'http://fixture.invalid');
      seen.push({ target: request.url ?? '', authorization: request.headers.authorization });
      const body =
        url.pathname !== '/api/sync'
          ? undefined
          : url.searchParams.get('fields') === 'index'
            ? fixture('sync-index-page.json')
            : fixture('sync-rows-page.json');
      response.writeHead(body === undefined ? 404 : 200, {
        'Content-Type': body === undefined ? 'text/html' : 'application/json',
      });
      response.end(body ?? 'Not Found');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const config = parseConfig(
      { AUDIOMUSE_URL: `http://127.0.0.1:${port}`, AUDIOMUSE_TOKEN: 'fixture-token', AUDIOMUSE_SERVER: 'Plex Den' },
      process.cwd(),
    );
    providers = createProviders(config.providers, { logger: pino({ level: 'silent' }), tuning: FAST });
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('reads a manifest page and asks for it with the paging, the server and the token', async () => {
    const page = await providers.require('audiomuse').syncIndexPage(1);
    expect(page).toEqual({
      entries: [
        { id: '48213', fp: '0b6e2f9a41c37d58' },
        { id: '48214', fp: '9d04c1e7a2b35f60' },
        { id: '51077', fp: 'e51a7c3d08f92b46' },
      ],
      totalTracks: 1834,
      nextPage: 2,
    });
    const request = seen.at(-1);
    expect(Object.fromEntries(new URL(request?.target ?? '', 'http://x').searchParams)).toEqual({
      fields: 'index',
      page: '1',
      limit: '1000',
      server: 'Plex Den',
    });
    expect(request?.authorization).toBe('Bearer fixture-token');
  });

  it('reads rows: author as artist, escaped names, the fingerprint, and all-zero CLAP features as none', async () => {
    const rows = await providers.require('audiomuse').syncRowsBatch(['48213', '48214']);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      itemId: '48213',
      title: 'Reckoner',
      artist: 'Radiohead',
      key: 'F#',
      scale: 'minor',
      fingerprint: '0b6e2f9a41c37d58',
    });
    expect(rows[0]?.tempo).toBeCloseTo(117.4536, 3);
    expect(rows[0]?.moodVector).toEqual({
      alternative: 0.612,
      rock: 0.548,
      indie: 0.401,
      'alternative rock': 0.35,
      Mellow: 0.218,
    });
    expect(rows[0]?.otherFeatures).toEqual({
      danceable: 0.31,
      aggressive: 0.12,
      happy: 0.27,
      party: 0.22,
      relaxed: 0.4,
      sad: 0.18,
    });
    expect(rows[1]).toMatchObject({ itemId: '48214', title: 'Jóga', artist: 'Björk', otherFeatures: {} });
    expect(rows[1]?.moodVector['female vocalists']).toBe(0.655);
    const target = seen.at(-1)?.target ?? '';
    // Commas unencoded: every byte counts against gunicorn's request-line limit.
    expect(target).toContain('ids=48213,48214');
    expect(Object.fromEntries(new URL(target, 'http://x').searchParams)).toEqual({
      include_embeddings: 'false',
      server: 'Plex Den',
      ids: '48213,48214',
    });
  });

  it('splits id lists into requests of at most 500 ids whose request line gunicorn accepts', () => {
    const ids = Array.from({ length: 1800 }, (_, index) => String(1_000_000 + index * 37));
    const batches = providers.require('audiomuse').syncBatches(ids);
    expect(batches.flat()).toEqual(ids);
    for (const batch of batches) expect(batch.length).toBeLessThanOrEqual(500);
    // 8 bytes an id: about 490 ids fit, so 1,800 ids take 4 requests, not 1,800.
    expect(batches).toHaveLength(4);
    const short = providers
      .require('audiomuse')
      .syncBatches(ids.slice(0, 1000).map((_, index) => String(10_000 + index)));
    expect(short.map((batch) => batch.length)).toEqual([500, 500]);
  });

  it('treats other_features that are all zero as absent', () => {
    expect(parseOtherFeatures('danceable:0.00,aggressive:0.00,happy:0.00,party:0.00,relaxed:0.00,sad:0.00')).toEqual(
      {},
    );
    expect(
      parseOtherFeatures('danceable:0.00,aggressive:0.10,happy:0.00,party:0.00,relaxed:0.00,sad:0.00'),
    ).toMatchObject({ aggressive: 0.1, danceable: 0 });
  });
});
