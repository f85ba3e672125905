// The resume point of a listing: the offset moves only over finished positions, and an entity an
// earlier attempt finished past its offset is passed by once, then kept until met.
import { describe, expect, it } from 'vitest';
import { ListingCursor } from '../../src/jobs/engine/listing-cursor.ts';

describe('ListingCursor', () => {
  it('moves the offset over an unbroken run of finished positions only', () => {
    const cursor = new ListingCursor();
    cursor.finish(1, 'b');
    cursor.finish(2, 'c');
    expect(cursor.position()).toEqual({ offset: 0, doneAhead: ['b', 'c'] });
    cursor.finish(0, 'a');
    expect(cursor.position()).toEqual({ offset: 3, doneAhead: [] });
  });

  it('resumes at the offset and passes by what the earlier attempt finished past it, once', () => {
    const cursor = new ListingCursor({ offset: 3, doneAhead: ['e'] });
    expect(cursor.start).toBe(3);
    expect(cursor.finishedEarlier(3, 'd')).toBe(false);
    // Not met yet: a second kill keeps it in the resume point.
    expect(cursor.position()).toEqual({ offset: 3, doneAhead: ['e'] });
    expect(cursor.finishedEarlier(4, 'e')).toBe(true);
    expect(cursor.finishedEarlier(4, 'e')).toBe(false);
    expect(cursor.position()).toEqual({ offset: 3, doneAhead: ['e'] });
    cursor.finish(3, 'd');
    expect(cursor.position()).toEqual({ offset: 5, doneAhead: [] });
  });
});
