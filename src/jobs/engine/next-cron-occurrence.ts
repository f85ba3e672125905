// When a schedule next fires, with graphile-worker's own cron matcher (so the answer agrees with what
// the worker does): minute by minute from now, in UTC as graphile-worker evaluates cron, up to a
// bound. A weekly schedule is found within 10,080 steps; nothing the matcher accepts is further away
// than a year except day-of-month/month combinations such as 29 February.
import { parseCronItems } from 'graphile-worker';

const MINUTE_MS = 60_000;
const DEFAULT_HORIZON_MINUTES = 366 * 24 * 60;

export function nextCronOccurrence(
  expression: string,
  after: Date,
  horizonMinutes = DEFAULT_HORIZON_MINUTES,
): Date | null {
  const [item] = parseCronItems([{ task: 'next-occurrence', match: expression }]);
  if (!item) return null;
  // The first whole minute strictly after `after`.
  let time = Math.floor(after.getTime() / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
  for (let step = 0; step < horizonMinutes; step++, time += MINUTE_MS) {
    const at = new Date(time);
    const digest = {
      min: at.getUTCMinutes(),
      hour: at.getUTCHours(),
      date: at.getUTCDate(),
      month: at.getUTCMonth() + 1,
      dow: at.getUTCDay(),
    };
    if (item.match(digest)) return at;
  }
  return null;
}
