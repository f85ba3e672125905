// The one place that reads the environment. Everything else receives the typed Config.
import { isIP } from 'node:net';
import path from 'node:path';
import { parseCronItems, parseCrontab } from 'graphile-worker';
import { z } from 'zod';
import { buildGenreRules, type GenreRuleExtensions, GenreRulesError } from './enrichment/genre-rules.ts';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

// Values of these variables are never echoed back in an error.
const SECRET_VARIABLES = new Set([
  'PLEX_TOKEN',
  'LASTFM_API_KEY',
  'SPOTIFY_CLIENT_SECRET',
  'AUDIOMUSE_TOKEN',
  'API_TOKEN',
  'READ_TOKEN',
  'DATABASE_URL',
]);

const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

function integer(min: number, max: number, fallback: number) {
  return z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value.trim() === '') return fallback;
      const parsed = Number(value);
      if (!/^-?\d+$/.test(value.trim()) || parsed < min || parsed > max) {
        ctx.addIssue({ code: 'custom', message: `an integer from ${min} to ${max}` });
        return z.NEVER;
      }
      return parsed;
    });
}

function decimal(min: number, max: number, fallback: number) {
  return z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value.trim() === '') return fallback;
      const parsed = Number(value);
      if (!Number.isFinite(parsed) || parsed < min || parsed > max) {
        ctx.addIssue({ code: 'custom', message: `a number from ${min} to ${max}` });
        return z.NEVER;
      }
      return parsed;
    });
}

function boolean(fallback: boolean) {
  return z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value.trim() === '') return fallback;
      const normalised = value.trim().toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(normalised)) return true;
      if (['false', '0', 'no', 'off'].includes(normalised)) return false;
      ctx.addIssue({ code: 'custom', message: 'true or false' });
      return z.NEVER;
    });
}

function url(fallback?: string) {
  return z
    .string()
    .optional()
    .transform((value, ctx) => {
      const raw = value === undefined || value.trim() === '' ? fallback : value.trim();
      if (raw === undefined) return undefined;
      try {
        const parsed = new URL(raw);
        if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('protocol');
      } catch {
        ctx.addIssue({ code: 'custom', message: 'an http:// or https:// URL' });
        return z.NEVER;
      }
      return raw.replace(/\/+$/, '');
    });
}

function postgresUrl() {
  return z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value.trim() === '') return undefined;
      try {
        const parsed = new URL(value.trim());
        if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') throw new Error('protocol');
      } catch {
        ctx.addIssue({ code: 'custom', message: 'a postgres:// or postgresql:// connection URL' });
        return z.NEVER;
      }
      return value.trim();
    });
}

const DISABLED_CRON = new Set(['off', 'disabled', 'none', 'false']);

// Validated with graphile-worker's own parser, so what passes here is what the worker will run.
function cron(fallback: string) {
  return z
    .string()
    .optional()
    .transform((value, ctx) => {
      const raw = value === undefined || value.trim() === '' ? fallback : value.trim();
      if (DISABLED_CRON.has(raw.toLowerCase())) return null;
      try {
        const items = parseCrontab(`${raw} validate-only`);
        if (items.length !== 1) throw new Error('one expression expected');
        parseCronItems([{ task: 'validate-only', match: raw }]);
      } catch {
        ctx.addIssue({
          code: 'custom',
          message: 'a five-field cron expression such as "0 3 * * 0" (minute hour day month weekday), or "off"',
        });
        return z.NEVER;
      }
      return raw;
    });
}

function list() {
  return z
    .string()
    .optional()
    .transform((value) =>
      (value ?? '')
        .split(/[,\n]/)
        .map((item) => item.trim())
        .filter((item) => item.length > 0),
    );
}

/** A DNS name: dot-separated labels of letters, digits and inner dashes, at most 253 characters. */
const HOSTNAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const environmentSchema = z.object({
  DATABASE_URL: postgresUrl(),
  DATA_DIR: z
    .string()
    .optional()
    .transform((value) => (value === undefined || value.trim() === '' ? './.data' : value.trim())),
  HOST: z
    .string()
    .optional()
    .transform((value, ctx) => {
      const host = value === undefined || value.trim() === '' ? '127.0.0.1' : value.trim();
      // Checked here so that a typo is named as HOST, not reported by the resolver as "getaddrinfo ENOTFOUND".
      if (isIP(host) === 0 && !HOSTNAME.test(host)) {
        ctx.addIssue({ code: 'custom', message: 'an IP address or a host name such as localhost' });
        return z.NEVER;
      }
      return host;
    }),
  PORT: integer(0, 65535, 4000),
  API_TOKEN: optionalString,
  READ_TOKEN: optionalString,
  LOG_LEVEL: z
    .string()
    .optional()
    .transform((value, ctx) => {
      const level = value === undefined || value.trim() === '' ? 'info' : value.trim().toLowerCase();
      if (!(LOG_LEVELS as readonly string[]).includes(level)) {
        ctx.addIssue({ code: 'custom', message: `one of ${LOG_LEVELS.join(', ')}` });
        return z.NEVER;
      }
      return level as (typeof LOG_LEVELS)[number];
    }),

  PLEX_URL: url(),
  PLEX_TOKEN: optionalString,
  PLEX_MUSIC_SECTION: optionalString,
  LASTFM_API_KEY: optionalString,
  LASTFM_API_URL: url('https://ws.audioscrobbler.com/2.0/'),
  SPOTIFY_CLIENT_ID: optionalString,
  SPOTIFY_CLIENT_SECRET: optionalString,
  SPOTIFY_API_URL: url('https://api.spotify.com/v1'),
  SPOTIFY_ACCOUNTS_URL: url('https://accounts.spotify.com'),
  MUSICBRAINZ_URL: url('https://musicbrainz.org/ws/2'),
  MUSICBRAINZ_ENABLED: boolean(true),
  MUSICBRAINZ_CONTACT: optionalString,
  AUDIOMUSE_URL: url(),
  AUDIOMUSE_TOKEN: optionalString,
  AUDIOMUSE_SERVER: optionalString,
  HTTP_TIMEOUT_MS: integer(100, 300_000, 15_000),

  LASTFM_RPS: decimal(0.1, 1000, 4),
  MUSICBRAINZ_RPS: decimal(0.1, 1000, 1),
  SPOTIFY_RPS: decimal(0.1, 1000, 2),
  PLEX_CONCURRENCY: integer(1, 64, 4),
  AUDIOMUSE_CONCURRENCY: integer(1, 64, 4),

  ARTIST_TTL_DAYS: integer(1, 3650, 180),
  ALBUM_TTL_DAYS: integer(1, 3650, 90),
  TTL_JITTER_PERCENT: integer(0, 50, 10),
  NEGATIVE_TTL_DAYS: integer(1, 3650, 30),
  PARTIAL_RETRY_HOURS: integer(1, 720, 6),
  TRACK_STATIC_TTL_DAYS: integer(1, 3650, 90),
  TRACK_STATS_TTL_HOURS: integer(1, 8760, 24),

  CACHE_WARM_CONCURRENCY: integer(1, 16, 8),
  ALBUM_WARM_CONCURRENCY: integer(1, 16, 3),
  WORKER_CONCURRENCY: integer(1, 32, 4),
  WORKER_STALE_SECONDS: integer(2, 3600, 30),

  REFRESH_LOOKAHEAD_DAYS: integer(0, 365, 7),
  HOURLY_REFRESH_LIMIT: integer(1, 100_000, 10),
  HOT_TIER_DAYS: integer(1, 3650, 30),
  WARM_TIER_DAYS: integer(1, 3650, 180),
  COLD_TIER_DAYS: integer(1, 3650, 365),
  REFRESH_COLD_ENTRIES: boolean(false),

  LASTFM_MIN_TAG_WEIGHT: integer(0, 100, 10),
  MAX_GENRES: integer(1, 100, 10),
  MAX_ERAS: integer(0, 100, 2),
  MAX_PLACES: integer(0, 100, 3),
  MAX_INSTRUMENTS: integer(0, 100, 3),
  MAX_LABELS: integer(0, 100, 2),
  MAX_RELEASE_TYPES: integer(0, 100, 3),
  GENRE_BLOCKLIST: list(),
  GENRE_ALIASES: list(),
  /** `child=parent|parent`, e.g. `tech house=techno|house`; an entry per genre. */
  GENRE_PARENTS: list(),
  GENRE_ALLOWLIST: list(),
  GENRE_ALLOWLIST_MODE: boolean(false),

  CACHE_WARM_CRON: cron('0 3 * * 0'),
  CACHE_REFRESH_CRON: cron('0 * * * *'),
  TRACK_CACHE_REFRESH_CRON: cron('0 2 * * *'),
  TRACK_STATIC_REFRESH_CRON: cron('0 4 * * 1'),
  AUDIO_FEATURES_CRON: cron('0 5 * * *'),
});

export type Environment = Record<string, string | undefined>;

/** Every variable the configuration reads. */
export const CONFIGURATION_VARIABLES: readonly string[] = Object.keys(environmentSchema.shape);

function buildConfig(env: z.output<typeof environmentSchema>, cwd: string) {
  const configuredWhen = <T>(ready: boolean, value: T): T | undefined => (ready ? value : undefined);
  return {
    databaseUrl: env.DATABASE_URL,
    dataDir: path.resolve(cwd, env.DATA_DIR),
    host: env.HOST,
    port: env.PORT,
    apiToken: env.API_TOKEN,
    readToken: env.READ_TOKEN,
    logLevel: env.LOG_LEVEL,
    providers: {
      httpTimeoutMs: env.HTTP_TIMEOUT_MS,
      plex: configuredWhen(env.PLEX_URL !== undefined && env.PLEX_TOKEN !== undefined, {
        url: env.PLEX_URL ?? '',
        token: env.PLEX_TOKEN ?? '',
        musicSection: env.PLEX_MUSIC_SECTION,
        concurrency: env.PLEX_CONCURRENCY,
      }),
      lastfm: configuredWhen(env.LASTFM_API_KEY !== undefined, {
        url: env.LASTFM_API_URL ?? '',
        apiKey: env.LASTFM_API_KEY ?? '',
        requestsPerSecond: env.LASTFM_RPS,
      }),
      spotify: configuredWhen(env.SPOTIFY_CLIENT_ID !== undefined && env.SPOTIFY_CLIENT_SECRET !== undefined, {
        apiUrl: env.SPOTIFY_API_URL ?? '',
        accountsUrl: env.SPOTIFY_ACCOUNTS_URL ?? '',
        clientId: env.SPOTIFY_CLIENT_ID ?? '',
        clientSecret: env.SPOTIFY_CLIENT_SECRET ?? '',
        requestsPerSecond: env.SPOTIFY_RPS,
      }),
      musicbrainz: configuredWhen(env.MUSICBRAINZ_ENABLED, {
        url: env.MUSICBRAINZ_URL ?? '',
        requestsPerSecond: env.MUSICBRAINZ_RPS,
      }),
      /** Shown in the User-Agent, which MusicBrainz requires to carry a way to reach the operator. */
      contact: env.MUSICBRAINZ_CONTACT,
      audiomuse: configuredWhen(env.AUDIOMUSE_URL !== undefined, {
        url: env.AUDIOMUSE_URL ?? '',
        token: env.AUDIOMUSE_TOKEN,
        /** The media server (AudioMuse's name or id for this Plex) ids resolve against; unset = AudioMuse's default. */
        server: env.AUDIOMUSE_SERVER,
        concurrency: env.AUDIOMUSE_CONCURRENCY,
      }),
    },
    ttl: {
      artistDays: env.ARTIST_TTL_DAYS,
      albumDays: env.ALBUM_TTL_DAYS,
      jitter: env.TTL_JITTER_PERCENT / 100,
      negativeDays: env.NEGATIVE_TTL_DAYS,
      partialRetryHours: env.PARTIAL_RETRY_HOURS,
      trackStaticDays: env.TRACK_STATIC_TTL_DAYS,
      trackStatsHours: env.TRACK_STATS_TTL_HOURS,
    },
    concurrency: {
      artistWarm: env.CACHE_WARM_CONCURRENCY,
      albumWarm: env.ALBUM_WARM_CONCURRENCY,
      worker: env.WORKER_CONCURRENCY,
    },
    /** A process silent this long with its database session gone is taken for dead: its jobs are unlocked and retried elsewhere. */
    workerStaleMs: env.WORKER_STALE_SECONDS * 1000,
    refresh: {
      lookaheadDays: env.REFRESH_LOOKAHEAD_DAYS,
      hourlyLimit: env.HOURLY_REFRESH_LIMIT,
      hotDays: env.HOT_TIER_DAYS,
      warmDays: env.WARM_TIER_DAYS,
      coldDays: env.COLD_TIER_DAYS,
      refreshCold: env.REFRESH_COLD_ENTRIES,
    },
    genres: {
      lastfmMinTagWeight: env.LASTFM_MIN_TAG_WEIGHT,
      maxGenres: env.MAX_GENRES,
      facetLimits: {
        eras: env.MAX_ERAS,
        places: env.MAX_PLACES,
        instruments: env.MAX_INSTRUMENTS,
        labels: env.MAX_LABELS,
        releaseTypes: env.MAX_RELEASE_TYPES,
      },
      extraBlocklist: env.GENRE_BLOCKLIST,
      extraAliases: env.GENRE_ALIASES,
      /** Raw `child=parent|parent` entries; parsed (and checked) by genreRuleExtensions. */
      parents: env.GENRE_PARENTS,
      allowList: { enabled: env.GENRE_ALLOWLIST_MODE, genres: env.GENRE_ALLOWLIST },
    },
    cron: {
      cacheWarm: env.CACHE_WARM_CRON,
      cacheRefresh: env.CACHE_REFRESH_CRON,
      trackStatsRefresh: env.TRACK_CACHE_REFRESH_CRON,
      trackStaticRefresh: env.TRACK_STATIC_REFRESH_CRON,
      audioFeaturesSync: env.AUDIO_FEATURES_CRON,
    },
  };
}

export type Config = ReturnType<typeof buildConfig>;

function describeProblem(variable: string, message: string, env: Environment): string {
  const value = env[variable];
  const shown = SECRET_VARIABLES.has(variable) ? '' : ` (got ${JSON.stringify(value)})`;
  return `${variable} must be ${message}${shown}`;
}

/** Parses an environment into a Config; throws ConfigError listing every bad variable. */
export function parseConfig(env: Environment, cwd: string = process.cwd()): Config {
  const result = environmentSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) =>
      describeProblem(String(issue.path[0] ?? 'environment'), issue.message, env),
    );
    throw new ConfigError(problems);
  }
  const config = buildConfig(result.data, cwd);
  try {
    buildGenreRules(genreRuleExtensions(config.genres));
  } catch (error) {
    // The rule builder names the variable in each problem (GENRE_ALIASES: …, GENRE_BLOCKLIST: …).
    if (error instanceof GenreRulesError) throw new ConfigError(error.problems);
    throw error;
  }
  if (config.refresh.hotDays > config.refresh.warmDays || config.refresh.warmDays > config.refresh.coldDays) {
    throw new ConfigError([
      `HOT_TIER_DAYS, WARM_TIER_DAYS and COLD_TIER_DAYS must be in increasing order (got ${config.refresh.hotDays}, ${config.refresh.warmDays}, ${config.refresh.coldDays})`,
    ]);
  }
  return config;
}

/**
 * What the GENRE_* variables add to the shipped genre rules: they seed the first rules version (later
 * versions come from proposals and imports). A GENRE_PARENTS entry without `=` is a problem named here.
 */
export function genreRuleExtensions(genres: Config['genres']): GenreRuleExtensions {
  const parents: Record<string, string[]> = {};
  const problems: string[] = [];
  for (const entry of genres.parents) {
    const separator = entry.indexOf('=');
    const child = separator < 0 ? '' : entry.slice(0, separator).trim();
    const listed =
      separator < 0
        ? []
        : entry
            .slice(separator + 1)
            .split('|')
            .map((name) => name.trim());
    if (child === '' || listed.length === 0 || listed.some((name) => name === '')) {
      problems.push(`GENRE_PARENTS: ${JSON.stringify(entry)} must be written genre=parent|parent`);
      continue;
    }
    parents[child] = [...(parents[child] ?? []), ...listed];
  }
  if (problems.length > 0) throw new GenreRulesError(problems);
  return {
    extraBlocklist: genres.extraBlocklist,
    extraAliases: genres.extraAliases,
    parents,
    allowList: genres.allowList,
  };
}

/** Reads `.env` (without overriding variables already set) and the process environment. */
export async function loadConfig(): Promise<Config> {
  const dotenv = await import('dotenv');
  dotenv.config({ quiet: true });
  return parseConfig(process.env);
}
