import { describe, expect, it } from 'vitest';
import { UsageRecorder, type UsageRecord } from '../../src/cache/policy/usage-recorder.ts';

const start = new Date('2026-11-26T00:00:00.000Z').getTime();
const MINUTE = 60_000;

function harness(options: { failing?: () => boolean } = {}) {
  let time = start;
  const writes: UsageRecord<string>[][] = [];
  const recorder = new UsageRecorder<string>({
    clock: () => new Date(time),
    flush: async (batch) => {
      if (options.failing?.()) throw new Error('database down');
      writes.push(batch.map((record) => ({ ...record })));
    },
  });
  return {
    recorder,
    writes,
    advance(minutes: number) {
      time += minutes * MINUTE;
    },
    at: (minutes: number) => new Date(start + minutes * MINUTE),
  };
}

describe('UsageRecorder', () => {
  it('coalesces many reads into one write with the count and the latest time', async () => {
    const { recorder, writes, advance, at } = harness();
    for (let i = 0; i < 1000; i += 1) recorder.record('radiohead');
    advance(5);
    recorder.record('radiohead');
    recorder.record('bjork', 3);
    expect(writes).toEqual([]); // recording never writes
    expect(await recorder.flushDue()).toBe(2);
    expect(writes).toEqual([
      [
        { key: 'radiohead', lastUsedAt: at(5), uses: 1001 },
        { key: 'bjork', lastUsedAt: at(5), uses: 3 },
      ],
    ]);
  });

  it('recordEach notes one read per key given (a key twice: two reads), at one instant', async () => {
    const { recorder, writes, advance, at } = harness();
    recorder.record('radiohead');
    advance(2);
    recorder.recordEach(['radiohead', 'bjork', 'radiohead']);
    expect(await recorder.flushDue()).toBe(2);
    expect(writes).toEqual([
      [
        { key: 'radiohead', lastUsedAt: at(2), uses: 3 },
        { key: 'bjork', lastUsedAt: at(2), uses: 1 },
      ],
    ]);
  });

  it('writes an entry at most once per hour, and writes it again once the hour is over', async () => {
    const { recorder, writes, advance, at } = harness();
    recorder.record('a');
    await recorder.flushDue();
    for (let minute = 1; minute < 60; minute += 1) {
      advance(1);
      recorder.record('a');
      recorder.record(`new-${minute}`);
      await recorder.flushDue();
    }
    const writesOfA = writes.flat().filter((record) => record.key === 'a');
    expect(writesOfA).toHaveLength(1);
    // Entries never written before go out at the next flush: a cold entry turns hot without waiting.
    expect(writes.flat().filter((record) => record.key.startsWith('new-'))).toHaveLength(59);
    advance(1);
    await recorder.flushDue();
    const again = writes.flat().filter((record) => record.key === 'a');
    expect(again).toEqual([
      { key: 'a', lastUsedAt: at(0), uses: 1 },
      { key: 'a', lastUsedAt: at(59), uses: 59 },
    ]);
    expect(recorder.pendingCount).toBe(0);
  });

  it('keeps the reads when a write fails, and writes them with later reads next time', async () => {
    let down = true;
    const { recorder, writes, advance, at } = harness({ failing: () => down });
    recorder.record('a', 2);
    await expect(recorder.flushDue()).rejects.toThrow('database down');
    expect(recorder.pendingCount).toBe(1);
    advance(3);
    recorder.record('a');
    down = false;
    await recorder.flushDue();
    expect(writes).toEqual([[{ key: 'a', lastUsedAt: at(3), uses: 3 }]]);
  });

  it('flushAll writes everything regardless of the hour (shutdown)', async () => {
    const { recorder, writes, advance } = harness();
    recorder.record('a');
    await recorder.flushDue();
    advance(10);
    recorder.record('a');
    expect(await recorder.flushDue()).toBe(0);
    expect(await recorder.flushAll()).toBe(1);
    expect(writes.flat()).toHaveLength(2);
  });

  it('runs concurrent flushes one after the other, so no entry is written twice', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let entered: () => void = () => undefined;
    const started = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const batches: string[][] = [];
    const recorder = new UsageRecorder<string>({
      clock: () => new Date(start),
      flush: async (batch) => {
        batches.push(batch.map((record) => record.key));
        entered();
        await gate;
      },
    });
    recorder.record('a');
    const first = recorder.flushDue();
    await started;
    recorder.record('a');
    const second = recorder.flushDue();
    release();
    expect(await first).toBe(1);
    // The second flush waited for the first, saw that `a` was just written, and left the new read pending.
    expect(await second).toBe(0);
    expect(batches).toEqual([['a']]);
    expect(recorder.pendingCount).toBe(1);
  });
});
