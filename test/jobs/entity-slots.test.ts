import { describe, expect, it } from 'vitest';
import { EntitySlots } from '../../src/jobs/engine/entity-slots.ts';

describe("a warm's entity slots", () => {
  it('hold at most the configured number, and a slot given back lets the next entity in at once', async () => {
    const slots = new EntitySlots(2, () => undefined);
    const first = await slots.acquire();
    await slots.acquire();
    let third = false;
    const waiting = slots.acquire().then((release) => {
      third = true;
      return release;
    });
    await Promise.resolve();
    expect(third).toBe(false);
    // An entity that goes on to wait for a slow fallback provider gives its slot back early; once only.
    first();
    first();
    await waiting;
    expect(third).toBe(true);
    expect(slots.limit).toBe(2);
  });

  it("follow the paced provider's rate times how long an entity takes, never above the setting", async () => {
    let rate: number | undefined = 8;
    let now = 0;
    const slots = new EntitySlots(
      16,
      () => rate,
      () => now,
    );
    expect(slots.limit).toBe(16);
    // Eight entities of 250 ms each: 8/s × 0.25 s × 1.5 headroom, plus one.
    const started = await Promise.all(Array.from({ length: 8 }, () => slots.acquire()));
    now += 250;
    for (const release of started) release();
    expect(slots.limit).toBe(Math.ceil(8 * 0.25 * 1.5) + 1);
    rate = 1000;
    expect(slots.limit).toBe(16);
  });
});
