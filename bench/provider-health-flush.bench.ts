// A process's provider-health write at a heartbeat: raw SQL or Prisma. Run: npm run bench -- provider-health-flush
// (about 30 s).
//
// Each heartbeat a process adds its counts of five providers to their minute's rows and replaces its five
// states (src/providers/health-recorder.ts). Measured: that batch as the one raw statement the recorder
// sends, against the same batch through Prisma (an upsert with `increment` per provider and an upsert per
// state, in one interactive transaction), on the same connection pool, four processes writing at once.
// Target: the raw statement ≤ 0.5 × Prisma's time per batch (p50), or Prisma is the better choice.
import pg from 'pg';
import { prismaOf } from '../src/db/prisma.ts';
import { type ProviderHealthBatch, writeProviderHealth } from '../src/providers/health-recorder.ts';
import type { PrismaClient } from '../src/generated/prisma/client.ts';
import type { ProviderName } from '../src/types.ts';
import { openEmptyDatabase } from './support/database.ts';
import { quantile, reportBenchResult } from './support/report.ts';

const PROCESSES = 4;
const ROUNDS = 200;
const PROVIDERS: readonly ProviderName[] = ['plex', 'lastfm', 'musicbrainz', 'spotify', 'audiomuse'];

function batchOf(processId: string, round: number): ProviderHealthBatch {
  const minute = new Date(Date.UTC(2026, 11, 4, 6, Math.floor(round / 12)));
  return {
    minute,
    processId,
    at: new Date(minute.getTime() + (round % 12) * 5_000),
    counts: PROVIDERS.map((provider, index) => ({ provider, requests: 20 + index, rateLimited: 1, errors: round % 2 })),
    states: PROVIDERS.map((provider) => ({
      provider,
      breaker: 'closed',
      breakerRetryAt: null,
      rateLimitedUntil: null,
      unavailableUntil: null,
      requestsPerSecond: provider === 'lastfm' ? 4 : null,
    })),
  };
}

async function writeWithPrisma(prisma: PrismaClient, batch: ProviderHealthBatch): Promise<void> {
  await prisma.$transaction(async (tx) => {
    for (const count of batch.counts) {
      await tx.providerRequestMinute.upsert({
        where: { provider_minute: { provider: count.provider, minute: batch.minute } },
        create: { ...count, minute: batch.minute },
        update: {
          requests: { increment: count.requests },
          rateLimited: { increment: count.rateLimited },
          errors: { increment: count.errors },
        },
      });
    }
    for (const state of batch.states) {
      const values = { ...state, updatedAt: batch.at };
      await tx.providerProcessState.upsert({
        where: { processId_provider: { processId: batch.processId, provider: state.provider } },
        create: { processId: batch.processId, ...values },
        update: values,
      });
    }
  });
}

async function measure(write: (processId: string, round: number) => Promise<void>): Promise<number[]> {
  const times: number[] = [];
  await Promise.all(
    Array.from({ length: PROCESSES }, async (_, process) => {
      for (let round = 0; round < ROUNDS; round += 1) {
        const started = performance.now();
        await write(`bench-process-${process}`, round);
        times.push(performance.now() - started);
      }
    }),
  );
  return times;
}

const database = await openEmptyDatabase();
const pool = new pg.Pool({ connectionString: database.url, max: PROCESSES });
const prisma = prismaOf(pool);
try {
  for (let process = 0; process < PROCESSES; process += 1) {
    await pool.query(`INSERT INTO worker_processes (id, hostname, pid) VALUES ($1, 'bench', $2)`, [
      `bench-process-${process}`,
      process,
    ]);
  }
  const reset = () => pool.query('TRUNCATE provider_request_minutes, provider_process_states');
  // Both ways must have written the same sums, or the comparison is not of equals.
  const expected = PROCESSES * ROUNDS * PROVIDERS.reduce((sum, _, index) => sum + 20 + index, 0);
  const check = async (what: string) => {
    const { rows } = await pool.query<{ total: number }>(
      'SELECT sum(requests)::int AS total FROM provider_request_minutes',
    );
    if (rows[0]?.total !== expected) throw new Error(`${what} wrote ${rows[0]?.total} requests, not ${expected}`);
  };
  // Warm-up of both paths (connections, Prisma's query compiler), then alternating measurements.
  await measure((processId, round) => writeProviderHealth(pool, batchOf(processId, round)));
  await measure((processId, round) => writeWithPrisma(prisma, batchOf(processId, round)));
  const raw: number[] = [];
  const viaPrisma: number[] = [];
  for (let repetition = 0; repetition < 3; repetition += 1) {
    await reset();
    raw.push(...(await measure((processId, round) => writeProviderHealth(pool, batchOf(processId, round)))));
    await check('raw SQL');
    await reset();
    viaPrisma.push(...(await measure((processId, round) => writeWithPrisma(prisma, batchOf(processId, round)))));
    await check('Prisma');
  }
  const rawP50 = quantile(raw, 0.5);
  const prismaP50 = quantile(viaPrisma, 0.5);
  const ratio = rawP50 / prismaP50;
  reportBenchResult({
    name: 'provider-health-flush',
    workload: `one heartbeat's write (5 counts, 5 states), ${PROCESSES} processes at once, ${3 * ROUNDS * PROCESSES} batches`,
    target: 'raw ≤ 0.5 × Prisma p50',
    result: `raw p50 ${rawP50.toFixed(2)} ms, p95 ${quantile(raw, 0.95).toFixed(2)} ms (${ratio.toFixed(2)} ×)`,
    baseline: `Prisma p50 ${prismaP50.toFixed(2)} ms, p95 ${quantile(viaPrisma, 0.95).toFixed(2)} ms`,
    pass: ratio <= 0.5,
  });
} finally {
  await prisma.$disconnect();
  await pool.end();
  await database.close();
}
