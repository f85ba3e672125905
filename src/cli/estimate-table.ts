// A warm estimate's requests as a table under its summary line (the CLI's dry run).
import { formatDuration, type WarmEstimate } from '../jobs/estimate/warm-estimate.ts';
import { formatTable } from './format-table.ts';

export function formatEstimate(estimate: WarmEstimate): string {
  return formatTable(
    ['PROVIDER', 'REQUESTS', 'RATE', 'TIME', 'PAUSED UNTIL'],
    estimate.requests.map((entry) => [
      entry.provider,
      entry.requests,
      entry.requestsPerSecond === null ? null : `${entry.requestsPerSecond}/s`,
      entry.seconds === null ? null : formatDuration(entry.seconds),
      entry.pausedUntil?.toISOString() ?? null,
    ]),
  );
}
