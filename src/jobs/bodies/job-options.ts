// Options of each job kind, with their bounds and defaults: one schema per kind, shared by the
// API, the CLI and the worker, so the three doors accept exactly the same input.
import { z } from 'zod';
import type { Config } from '../../config.ts';

export const CONCURRENCY_BOUNDS = { min: 1, max: 16 } as const;
export const LIMIT_BOUNDS = { min: 1, max: 100_000 } as const;

const concurrency = z.number().int().min(CONCURRENCY_BOUNDS.min).max(CONCURRENCY_BOUNDS.max);

export function warmArtistsOptions(config: Config) {
  return z
    .object({
      skipCached: z.boolean().default(true),
      concurrency: concurrency.default(config.concurrency.artistWarm),
      dryRun: z.boolean().default(false),
    })
    .strict();
}

export function warmAlbumsOptions(config: Config) {
  return z
    .object({
      skipCached: z.boolean().default(true),
      concurrency: concurrency.default(config.concurrency.albumWarm),
      dryRun: z.boolean().default(false),
    })
    .strict();
}

export function refreshOptions(config: Config) {
  return z
    .object({
      /** At most this many entries this run (the planner may choose fewer). */
      limit: z.number().int().min(LIMIT_BOUNDS.min).max(LIMIT_BOUNDS.max).optional(),
      lookaheadDays: z.number().int().min(0).max(365).default(config.refresh.lookaheadDays),
      concurrency: concurrency.default(config.concurrency.artistWarm),
    })
    .strict();
}

export function trackSyncOptions() {
  return z.object({}).strict();
}

export function remergeOptions() {
  return z.object({}).strict();
}

export function audioFeaturesOptions(config: Config) {
  return z
    .object({
      limit: z.number().int().min(LIMIT_BOUNDS.min).max(LIMIT_BOUNDS.max).optional(),
      concurrency: concurrency.default(config.providers.audiomuse?.concurrency ?? 4),
    })
    .strict();
}

export type WarmArtistsOptions = z.output<ReturnType<typeof warmArtistsOptions>>;
export type WarmAlbumsOptions = z.output<ReturnType<typeof warmAlbumsOptions>>;
export type RefreshOptions = z.output<ReturnType<typeof refreshOptions>>;
export type AudioFeaturesOptions = z.output<ReturnType<typeof audioFeaturesOptions>>;
