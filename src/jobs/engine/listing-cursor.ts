// Follows which positions of a Plex listing a warm has finished, to give its resume point: the first
// position not done, and the entities done past it. Entities finish out of order (a few are in flight
// at once, and one waiting for a slow fallback provider lets later ones pass it), so the offset only
// moves over an unbroken run of finished positions.
import type { ListingPosition } from './resume-point.ts';

export class ListingCursor {
  private offset: number;
  /** Positions at or past the offset finished in this attempt, with their Plex ratingKey. */
  private readonly finishedAhead = new Map<number, string>();
  /** ratingKeys an earlier attempt finished past its offset, not yet met again in this listing. */
  private readonly carried: Set<string>;

  constructor(resumed?: ListingPosition) {
    this.offset = resumed?.offset ?? 0;
    this.carried = new Set(resumed?.doneAhead ?? []);
  }

  /** Where this attempt lists from. */
  get start(): number {
    return this.offset;
  }

  /**
   * True when an earlier attempt already finished this entity (and counted it): the job passes it by
   * without counting it again. The position counts as finished in this attempt too.
   */
  finishedEarlier(position: number, ratingKey: string): boolean {
    if (!this.carried.delete(ratingKey)) return false;
    this.finish(position, ratingKey);
    return true;
  }

  /**
   * The entity at `position` is done (stored, skipped or failed). Call it just before counting the
   * entity in the progress, in the same synchronous step, so that a persisted snapshot never holds a
   * count without its position or a position without its count.
   */
  finish(position: number, ratingKey: string): void {
    if (position < this.offset) return;
    this.finishedAhead.set(position, ratingKey);
    while (this.finishedAhead.has(this.offset)) {
      this.finishedAhead.delete(this.offset);
      this.offset += 1;
    }
  }

  position(): ListingPosition {
    return { offset: this.offset, doneAhead: [...this.finishedAhead.values(), ...this.carried] };
  }
}
