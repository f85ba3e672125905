// All five simulators over one library and one request log, with their URLs and credentials shaped as
// linernotes' environment variables (the README's configuration table), ready to hand to parseConfig or a child process.
//
//   const sims = await startSimulators({ seed: 7, artists: 50 });
//   const config = parseConfig({ ...process.env, ...sims.env });
//   sims.lastfm.faults.failNext({ kind: 'api-error', code: 16 });    // one transient error
//   sims.spotify.setQuirks({ devGenres: 'absent' });                 // genres withdrawn
//   expect(sims.log.maxInWindow(1000, { provider: 'lastfm' })).toBeLessThanOrEqual(5);
//   await sims.close();
import { startAudioMuseSimulator, type AudioMuseSimulator, type AudioMuseSimulatorOptions } from './audiomuse.ts';
import type { FaultSettings } from './faults.ts';
import { startLastfmSimulator, type LastfmSimulator, type LastfmSimulatorOptions } from './lastfm.ts';
import { createLibrary, type LibraryOptions, type SyntheticLibrary } from './library.ts';
import {
  startMusicBrainzSimulator,
  type MusicBrainzSimulator,
  type MusicBrainzSimulatorOptions,
} from './musicbrainz.ts';
import { startPlexSimulator, type PlexSimulator, type PlexSimulatorOptions } from './plex.ts';
import { RequestLog } from './request-log.ts';
import { startSpotifySimulator, type SpotifySimulator, type SpotifySimulatorOptions } from './spotify.ts';

export * from './library.ts';
export { RequestLog } from './request-log.ts';
export type { Fault, FaultSettings } from './faults.ts';
export { PROVIDER_RATE_LIMITS } from './rate-limit.ts';
export * from './plex.ts';
export * from './lastfm.ts';
export * from './spotify.ts';
export * from './musicbrainz.ts';
export * from './audiomuse.ts';

type Shared = 'library' | 'log' | 'now' | 'host';

export interface SimulatorsOptions extends LibraryOptions {
  /** Serve this library instead of building one from the LibraryOptions. */
  library?: SyntheticLibrary;
  log?: RequestLog;
  now?: () => number;
  host?: string;
  /** Faults applied to every simulator at start (each can then be changed on its own handle). */
  faults?: FaultSettings;
  plex?: Omit<PlexSimulatorOptions, Shared>;
  lastfm?: Omit<LastfmSimulatorOptions, Shared>;
  spotify?: Omit<SpotifySimulatorOptions, Shared>;
  musicbrainz?: Omit<MusicBrainzSimulatorOptions, Shared>;
  audiomuse?: Omit<AudioMuseSimulatorOptions, Shared>;
}

/** The variables linernotes reads (src/config.ts), pointing at the simulators. */
export interface SimulatorEnvironment {
  PLEX_URL: string;
  PLEX_TOKEN: string;
  LASTFM_API_URL: string;
  LASTFM_API_KEY: string;
  SPOTIFY_API_URL: string;
  SPOTIFY_ACCOUNTS_URL: string;
  SPOTIFY_CLIENT_ID: string;
  SPOTIFY_CLIENT_SECRET: string;
  MUSICBRAINZ_URL: string;
  AUDIOMUSE_URL: string;
  /** Absent when AudioMuse runs with authentication off. */
  AUDIOMUSE_TOKEN?: string;
}

export interface Simulators {
  library: SyntheticLibrary;
  /** One log for all five, in arrival order; filter by `provider`. */
  log: RequestLog;
  plex: PlexSimulator;
  lastfm: LastfmSimulator;
  spotify: SpotifySimulator;
  musicbrainz: MusicBrainzSimulator;
  audiomuse: AudioMuseSimulator;
  env: SimulatorEnvironment;
  close(): Promise<void>;
}

export async function startSimulators(options: SimulatorsOptions = {}): Promise<Simulators> {
  const library = options.library ?? createLibrary(options);
  const log = options.log ?? new RequestLog();
  const shared = { library, log, now: options.now, host: options.host };
  const withFaults = <T extends { faults?: FaultSettings }>(own: T | undefined): T & { faults?: FaultSettings } =>
    ({ ...own, faults: own?.faults ?? options.faults }) as T & { faults?: FaultSettings };

  const started: Array<{ close(): Promise<void> }> = [];
  const track = <T extends { close(): Promise<void> }>(simulator: T): T => {
    started.push(simulator);
    return simulator;
  };
  try {
    const plex = track(await startPlexSimulator({ ...withFaults(options.plex), ...shared }));
    const lastfm = track(await startLastfmSimulator({ ...withFaults(options.lastfm), ...shared }));
    const spotify = track(await startSpotifySimulator({ ...withFaults(options.spotify), ...shared }));
    const musicbrainz = track(await startMusicBrainzSimulator({ ...withFaults(options.musicbrainz), ...shared }));
    const audiomuse = track(await startAudioMuseSimulator({ ...withFaults(options.audiomuse), ...shared }));
    const env: SimulatorEnvironment = {
      PLEX_URL: plex.url,
      PLEX_TOKEN: plex.token,
      LASTFM_API_URL: lastfm.apiUrl,
      LASTFM_API_KEY: lastfm.apiKey,
      SPOTIFY_API_URL: spotify.apiUrl,
      SPOTIFY_ACCOUNTS_URL: spotify.accountsUrl,
      SPOTIFY_CLIENT_ID: spotify.clientId,
      SPOTIFY_CLIENT_SECRET: spotify.clientSecret,
      MUSICBRAINZ_URL: musicbrainz.apiUrl,
      AUDIOMUSE_URL: audiomuse.url,
    };
    if (audiomuse.token !== null) env.AUDIOMUSE_TOKEN = audiomuse.token;
    return {
      library,
      log,
      plex,
      lastfm,
      spotify,
      musicbrainz,
      audiomuse,
      env,
      close: async () => {
        await Promise.all(started.map((simulator) => simulator.close()));
      },
    };
  } catch (error) {
    await Promise.all(started.map((simulator) => simulator.close()));
    throw error;
  }
}
