// Which lane a provider request travels in, and how long it waited for its slot.
//
// A read-through lookup is someone waiting for an answer; a warm or a refresh is not. Both spend the
// same rate budget of a provider, so the limiter serves waiting interactive requests before background
// ones (a lookup during a warm goes next, not after the warm's queue). The lane is carried by
// AsyncLocalStorage rather than by an argument, because the request is made many layers below the
// lookup (entry refresher → merge rules → provider client → HTTP layer → limiter), and those layers are
// shared with the jobs, which simply run outside any lane and so count as background.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ProviderName } from '../types.ts';

export type RequestLane = 'interactive' | 'background';

/**
 * Why a request waited for its slot:
 * - `rate-budget`: the provider's rate allowed no request sooner (spacing after the previous one);
 * - `queued`: other requests of the same or a higher lane were waiting for slots first;
 * - `provider-pause`: the provider said "slow down" (a 429 or its equivalent) and every caller waits it out;
 * - `concurrency`: as many calls as allowed were already in flight to the provider.
 */
export type WaitReason = 'rate-budget' | 'queued' | 'provider-pause' | 'concurrency';

export interface ProviderWait {
  provider: ProviderName;
  /** Milliseconds spent waiting, all requests to this provider together. */
  ms: number;
  /** The reason that accounted for most of the wait. */
  reason: WaitReason;
}

/** Waits shorter than this are scheduling noise, not waiting. */
const NOTICEABLE_WAIT_MS = 1;

/** Priorities of p-queue: a higher number is served first. */
const LANE_PRIORITY: Record<RequestLane, number> = { interactive: 1, background: 0 };

interface LaneState {
  lane: RequestLane;
  /** provider → reason → milliseconds */
  waits: Map<ProviderName, Map<WaitReason, number>>;
}

const storage = new AsyncLocalStorage<LaneState>();

/** The lane of the code running now: background unless inside `runInteractive`. */
export function currentLane(): RequestLane {
  return storage.getStore()?.lane ?? 'background';
}

/** The p-queue priority of the current lane. */
export function lanePriority(lane: RequestLane = currentLane()): number {
  return LANE_PRIORITY[lane];
}

/** Notes a wait for the current interactive operation; outside one, nobody asked, so nothing is kept. */
export function noteWait(provider: ProviderName, reason: WaitReason, ms: number): void {
  const state = storage.getStore();
  if (state === undefined || !(ms >= NOTICEABLE_WAIT_MS)) return;
  const byReason = state.waits.get(provider) ?? new Map<WaitReason, number>();
  byReason.set(reason, (byReason.get(reason) ?? 0) + ms);
  state.waits.set(provider, byReason);
}

/**
 * Runs `operation` in the interactive lane and answers, with its value, how long its provider requests
 * waited for slots, per provider (empty when none waited noticeably).
 */
export async function runInteractive<T>(operation: () => Promise<T>): Promise<{ value: T; waits: ProviderWait[] }> {
  const state: LaneState = { lane: 'interactive', waits: new Map() };
  const value = await storage.run(state, operation);
  return { value, waits: summarise(state) };
}

/**
 * `fn` bound to the lane of the code calling this: a task that a queue runs later (p-queue starts it from
 * whichever task finished before it) still runs in its caller's lane.
 */
export function inCallerLane<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
  return AsyncLocalStorage.bind(fn);
}

function summarise(state: LaneState): ProviderWait[] {
  return [...state.waits].map(([provider, byReason]) => {
    let total = 0;
    let main: WaitReason = 'rate-budget';
    let mainMs = -1;
    for (const [reason, ms] of byReason) {
      total += ms;
      if (ms > mainMs) {
        main = reason;
        mainMs = ms;
      }
    }
    return { provider, ms: Math.round(total), reason: main };
  });
}
