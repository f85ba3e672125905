// Where a resumed attempt of a listing job (the artist and album warms) starts. Plex lists a section
// in a stable order, so a position in the listing names an entity; the resume point is the first
// position not yet done (every one before it is stored, skipped or failed) plus the Plex ids of the
// entities done past it, which finished out of order while the one at the offset was still in flight.
// It is written in the same statement as the progress counters it matches (persist-progress.ts), so
// a resumed attempt carries those counters on and counts nothing twice.
import { z } from 'zod';
import type { JobRun } from '../../generated/prisma/client.ts';

const resumePointSchema = z.object({
  /** The listing position the next attempt lists from (X-Plex-Container-Start). */
  offset: z.number().int().nonnegative(),
  /** Plex ratingKeys of entities at or past `offset` that are already done. */
  doneAhead: z.array(z.string()),
  /** How many of the counted items were skipped (cached, duplicate): the ETA counts only work. */
  skipped: z.number().int().nonnegative(),
});

export type ResumePoint = z.output<typeof resumePointSchema>;

/** The listing part of a resume point: what a job needs to know to start where the last attempt stopped. */
export type ListingPosition = Omit<ResumePoint, 'skipped'>;

/** The run's resume point, or undefined when it has none (first attempt, or a job that keeps none) or it is unreadable. */
export function runResumePoint(run: Pick<JobRun, 'resumePoint'>): ResumePoint | undefined {
  const parsed = resumePointSchema.safeParse(run.resumePoint);
  return parsed.success ? parsed.data : undefined;
}
