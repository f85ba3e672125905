// Provider health as the API answers it: one read of the database shared by every request of the same
// second. A dashboard polled by many browsers asks it with every cacheStats; read per request it was most
// of that request's database work (five statements), and under load the database, not the API, set the
// pace. It lags anyway: each process writes its part at its heartbeat.
// Written here rather than with a memoizing library: the only behaviour needed is one promise per second
// shared by concurrent callers and dropped when it fails, which is a few lines.
import type pg from 'pg';
import type { Config } from '../config.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { type ProviderHealth, readProviderHealth } from './provider-health.ts';

/** How long one read is shared. */
const SHARED_PROVIDER_READ_MS = 1_000;

export class SharedProviderReads {
  private latest: { at: number; health: Promise<ProviderHealth[]> } | undefined;

  constructor(
    private readonly db: { prisma: PrismaClient; pool: pg.Pool },
    private readonly config: Config,
    private readonly maxAgeMs: number = SHARED_PROVIDER_READ_MS,
  ) {}

  /** Every provider's health for the whole installation, at most maxAgeMs old. */
  health(now: Date): Promise<ProviderHealth[]> {
    const latest = this.latest;
    if (latest && Math.abs(now.getTime() - latest.at) <= this.maxAgeMs) return latest.health;
    const entry = { at: now.getTime(), health: readProviderHealth({ ...this.db, config: this.config, now }) };
    this.latest = entry;
    // A failed read is not shared with later requests: the next one tries again.
    entry.health.catch(() => {
      if (this.latest === entry) this.latest = undefined;
    });
    return entry.health;
  }
}
