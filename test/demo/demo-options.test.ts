// `npm run demo`'s options, its data folder (never a real installation's), and what it prints.
import { existsSync } from 'node:fs';
import { mkdtemp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { demoBanner, WARM_MUTATION } from '../../src/demo/banner.ts';
import { DemoUsageError, parseDemoArguments } from '../../src/demo/demo-arguments.ts';
import { DemoDataDirError, prepareDemoDataDir } from '../../src/demo/demo-data-dir.ts';

describe('demo options', () => {
  it('defaults to port 4000, 2,000 artists and .data/demo', () => {
    expect(parseDemoArguments([], {}, '/repo')).toEqual({
      port: 4000,
      host: '127.0.0.1',
      artists: 2000,
      fast: false,
      reset: false,
      dataDir: '/repo/.data/demo',
      logLevel: 'warn',
      apiToken: undefined,
    });
  });

  it('takes PORT, HOST, LOG_LEVEL and API_TOKEN from the environment, and flags over them', () => {
    const env = {
      PORT: '4555',
      HOST: '0.0.0.0',
      LOG_LEVEL: 'info',
      API_TOKEN: 'secret',
      DATA_DIR: '/real',
      DATABASE_URL: 'postgres://real',
    };
    const parsed = parseDemoArguments(['--artists', '300', '--fast', '--data-dir', 'elsewhere'], env, '/repo');
    expect(parsed).toMatchObject({
      port: 4555,
      host: '0.0.0.0',
      artists: 300,
      fast: true,
      dataDir: '/repo/elsewhere',
      logLevel: 'info',
      apiToken: 'secret',
    });
    // The real installation's DATA_DIR never becomes the demo's.
    expect(parseDemoArguments([], env, '/repo')?.dataDir).toBe('/repo/.data/demo');
    expect(parseDemoArguments(['--port', '5000'], env, '/repo')?.port).toBe(5000);
  });

  it('refuses bad values with a usage error, and answers --help with null', () => {
    expect(() => parseDemoArguments(['--port', 'http'], {}, '/repo')).toThrow(DemoUsageError);
    expect(() => parseDemoArguments(['--artists', '0'], {}, '/repo')).toThrow(
      '--artists must be an integer from 1 to 50000',
    );
    expect(() => parseDemoArguments(['--nope'], {}, '/repo')).toThrow(DemoUsageError);
    expect(parseDemoArguments(['--help'], {}, '/repo')).toBeNull();
  });
});

describe('demo data folder', () => {
  let scratch: string;
  afterEach(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('is created with a marker, kept between runs and emptied by --reset', async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'linernotes-demo-dir-'));
    const dir = path.join(scratch, 'demo');
    expect(await prepareDemoDataDir(dir, { reset: false })).toEqual({ created: true });
    await writeFile(path.join(dir, 'kept'), 'x');
    expect(await prepareDemoDataDir(dir, { reset: false })).toEqual({ created: false });
    expect(existsSync(path.join(dir, 'kept'))).toBe(true);
    expect(await prepareDemoDataDir(dir, { reset: true })).toEqual({ created: true });
    expect(await readdir(dir)).toEqual(['linernotes-demo.json']);
  });

  it('never uses or removes a folder that holds other data', async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'linernotes-demo-dir-'));
    const real = path.join(scratch, 'data');
    await mkdir(path.join(real, 'postgres'), { recursive: true });
    await expect(prepareDemoDataDir(real, { reset: true })).rejects.toThrow(DemoDataDirError);
    expect(existsSync(path.join(real, 'postgres'))).toBe(true);
  });
});

describe('demo banner', () => {
  it('shows both URLs, the mutation to paste and a curl line that runs it', () => {
    const banner = demoBanner({
      url: 'http://127.0.0.1:4000',
      library: { artists: 2000, albums: 6908, tracks: 74167 },
      fast: false,
      apiToken: false,
      dataDir: '/repo/.data/demo',
      envFile: '/repo/.data/demo/linernotes-demo.env',
      defaultDataDir: true,
    });
    expect(banner).toContain('2,000 artists, 6,908 albums, 74,167 tracks');
    expect(banner).toContain('Dashboard  http://127.0.0.1:4000/');
    expect(banner).toContain('GraphiQL   http://127.0.0.1:4000/graphql');
    expect(banner).toContain(`  ${WARM_MUTATION}\n`);
    expect(banner).toContain(`-d '${JSON.stringify({ query: WARM_MUTATION })}'`);
    expect(banner).not.toContain('authorization');
    expect(banner).toContain('  npx linernotes --demo warm\n');
  });

  it('shows how to point the CLI at a demo in another data folder', () => {
    const banner = demoBanner({
      url: 'http://127.0.0.1:4000',
      library: { artists: 20, albums: 70, tracks: 700 },
      fast: true,
      apiToken: false,
      dataDir: '/tmp/elsewhere',
      envFile: '/tmp/elsewhere/linernotes-demo.env',
      defaultDataDir: false,
    });
    expect(banner).toContain('  set -a; . /tmp/elsewhere/linernotes-demo.env; set +a\n  npx linernotes stats\n');
    expect(banner).not.toContain('--demo');
  });
});
