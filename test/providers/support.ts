// Providers wired to the simulators through the same environment variables a user would set, with small
// timeouts and backoffs so that faults resolve in milliseconds.
import { Writable } from 'node:stream';
import pino from 'pino';
import { parseConfig } from '../../src/config.ts';
import { type ProviderDependencies, type Providers, createProviders } from '../../src/providers/create-providers.ts';
import { type Simulators, type SimulatorsOptions, startSimulators } from '../../src/simulators/index.ts';
import type { Clock } from '../../src/types.ts';

export interface FakeClock {
  clock: Clock;
  /** For the simulators, which keep time in ms. */
  now: () => number;
  advance(ms: number): void;
}

export function fakeClock(start = Date.parse('2026-11-26T12:00:00Z')): FakeClock {
  let now = start;
  return {
    clock: () => new Date(now),
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
  };
}

/** A debug-level logger whose every line is kept, to check that no secret is ever logged. */
export function capturingLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: pino({ level: 'trace' }, stream), lines };
}

export const FAST: NonNullable<ProviderDependencies['tuning']> = {
  http: { timeoutMs: 400, maxAttempts: 3, backoffBaseMs: 5, backoffMaxMs: 20, defaultRateLimitPauseMs: 50 },
  // Off unless a test is about the breaker: faults in one test must not open it for the next.
  breaker: { failureThreshold: 1_000 },
};

export function providersFor(
  simulators: Simulators,
  dependencies: Partial<ProviderDependencies> = {},
  environment: Record<string, string | undefined> = {},
): Providers {
  const config = parseConfig({ ...simulators.env, ...environment }, process.cwd());
  return createProviders(config.providers, {
    logger: dependencies.logger ?? pino({ level: 'silent' }),
    ...dependencies,
    tuning: {
      ...FAST,
      ...dependencies.tuning,
      http: { ...FAST.http, ...dependencies.tuning?.http },
      breaker: { ...FAST.breaker, ...dependencies.tuning?.breaker },
    },
  });
}

export async function simulators(options: SimulatorsOptions = {}): Promise<Simulators> {
  return startSimulators({ artists: 40, ...options });
}
