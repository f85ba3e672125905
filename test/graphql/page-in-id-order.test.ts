// A page read as ids from an index, then rows by id: the rows come back in the index's order, and an id
// whose row vanished between the two reads makes the page be read again rather than answered short.
import { describe, expect, it } from 'vitest';
import { pageInIdOrder } from '../../src/graphql/pagination.ts';

type Row = { id: number; name: string };
const table = new Map<number, Row>([1, 2, 3, 4].map((id) => [id, { id, name: `artist ${id}` }]));
const rowsOf = async (ids: number[]) => ids.flatMap((id) => table.get(id) ?? []).reverse();

describe('pageInIdOrder', () => {
  it("answers the rows in the ids' order", async () => {
    const page = await pageInIdOrder(async () => [3, 1, 4], rowsOf);
    expect(page?.map((row) => row.id)).toEqual([3, 1, 4]);
  });

  it('reads the page again when an id found no row, and answers the full page', async () => {
    // The first read of the index still holds 9, deleted before its row was read; the second no longer does.
    const reads = [
      [1, 9, 2],
      [1, 2, 3],
    ];
    let calls = 0;
    const page = await pageInIdOrder(async () => reads[Math.min(calls++, reads.length - 1)] ?? [], rowsOf);
    expect(calls).toBe(2);
    expect(page?.map((row) => row.id)).toEqual([1, 2, 3]);
  });

  it('gives up after a few attempts with what it found, and answers null when the index does not apply', async () => {
    let calls = 0;
    const page = await pageInIdOrder(async () => {
      calls++;
      return [1, 9];
    }, rowsOf);
    expect(calls).toBe(3);
    expect(page?.map((row) => row.id)).toEqual([1]);
    expect(await pageInIdOrder(async () => null, rowsOf)).toBeNull();
  });
});
