// Shared subscriptions: one execution per distinct subscription, the same serialized payload to every
// subscriber, the current state for late joiners of state streams, and the source stopped when the last
// subscriber leaves.
import type { ExecutionResult } from 'graphql';
import { describe, expect, it } from 'vitest';
import { nextMessage, SubscriptionFanOut } from '../../src/graphql/fan-out.ts';

/** A source the test drives: push() yields a result to whoever iterates it. */
function drivenSource() {
  const waiting: Array<(result: IteratorResult<ExecutionResult>) => void> = [];
  const queued: ExecutionResult[] = [];
  let started = 0;
  let stopped = false;
  const source: AsyncIterable<ExecutionResult> = {
    [Symbol.asyncIterator]: () => {
      started += 1;
      return {
        next: () =>
          new Promise<IteratorResult<ExecutionResult>>((resolve) => {
            const value = queued.shift();
            if (value) resolve({ done: false, value });
            else waiting.push(resolve);
          }),
        return: async () => {
          stopped = true;
          for (const resolve of waiting.splice(0)) resolve({ done: true, value: undefined });
          return { done: true, value: undefined };
        },
      };
    },
  };
  return {
    source,
    push(value: ExecutionResult) {
      const resolve = waiting.shift();
      if (resolve) resolve({ done: false, value });
      else queued.push(value);
    },
    end() {
      for (const resolve of waiting.splice(0)) resolve({ done: true, value: undefined });
    },
    get started() {
      return started;
    },
    get stopped() {
      return stopped;
    },
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('SubscriptionFanOut', () => {
  it('runs one source per key and writes the same payload to every subscriber', async () => {
    const fanOut = new SubscriptionFanOut();
    const driven = drivenSource();
    const received: Record<string, string[]> = { a: [], b: [] };
    const join = (name: string) =>
      fanOut.join('k', {
        replayLatest: false,
        start: () => driven.source,
        sink: { next: (json) => received[name]?.push(json) },
      });
    const a = join('a');
    const b = join('b');
    const ended = Promise.all([a.next(), b.next()]);
    await settle();
    driven.push({ data: { n: 1 } });
    driven.push({ data: { n: 2 } });
    await settle();
    driven.end();
    expect(await ended).toEqual([
      { done: true, value: undefined },
      { done: true, value: undefined },
    ]);
    expect(driven.started).toBe(1);
    expect(received.a).toEqual(['{"data":{"n":1}}', '{"data":{"n":2}}']);
    expect(received.b).toEqual(received.a);
    expect(fanOut.activeHubs).toBe(0);
  });

  it('gives a late joiner of a state stream the latest state first, and only then the changes', async () => {
    const fanOut = new SubscriptionFanOut();
    const driven = drivenSource();
    const early: string[] = [];
    const late: string[] = [];
    const first = fanOut.join('run', {
      replayLatest: true,
      start: () => driven.source,
      sink: { next: (json) => early.push(json) },
    });
    void first.next();
    await settle();
    driven.push({ data: { status: 'RUNNING', current: 1 } });
    await settle();
    const second = fanOut.join('run', {
      replayLatest: true,
      start: () => driven.source,
      sink: { next: (json) => late.push(json) },
    });
    void second.next();
    driven.push({ data: { status: 'RUNNING', current: 2 } });
    await settle();
    expect(late).toEqual(['{"data":{"status":"RUNNING","current":1}}', '{"data":{"status":"RUNNING","current":2}}']);
    expect(early).toEqual(late);
    expect(driven.started).toBe(1);
    await first.return();
    expect(driven.stopped).toBe(false);
    await second.return();
    expect(driven.stopped).toBe(true);
    expect(fanOut.activeHubs).toBe(0);
  });

  it('hands the source’s error to every subscriber', async () => {
    const fanOut = new SubscriptionFanOut();
    const failing: AsyncIterable<ExecutionResult> = {
      [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new Error('there is no job run 9')) }),
    };
    const streams = [1, 2].map(() =>
      fanOut.join('bad', { replayLatest: true, start: () => failing, sink: { next: () => undefined } }),
    );
    for (const stream of streams) await expect(stream.next()).rejects.toThrow('there is no job run 9');
  });

  it('frames a payload the way graphql-ws frames a next message', () => {
    const payload = { data: { jobRunProgress: { id: '1' } } };
    expect(nextMessage('a"b', JSON.stringify(payload))).toBe(JSON.stringify({ id: 'a"b', type: 'next', payload }));
  });
});
