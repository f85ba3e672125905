// A progress bar with rate and ETA on a terminal; one line per 10% otherwise (logs, pipes, CI).
import cliProgress from 'cli-progress';
import type { ProgressSnapshot } from '../jobs/engine/progress.ts';

export interface ProgressDisplay {
  update(snapshot: ProgressSnapshot): void;
  /** Ends the display for good: later updates are ignored, so the next line starts on a clean line. */
  stop(): void;
}

function formatEta(seconds: number | null): string {
  if (seconds === null) return '?';
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

export function formatSources(counts: Record<string, number>): string {
  return Object.entries(counts)
    .sort(([, a], [, b]) => b - a)
    .map(([source, count]) => `${source} ${count}`)
    .join(', ');
}

export function createProgressDisplay(label: string, stream: NodeJS.WriteStream = process.stderr): ProgressDisplay {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} [{bar}] {percentage}% {value}/{total} | {rate}/s | ETA {eta_text} | {sources}`,
        stream,
        hideCursor: true,
        clearOnComplete: false,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    let stopped = false;
    return {
      update: (snapshot) => {
        if (stopped) return;
        const payload = {
          rate: snapshot.rate.toFixed(1),
          eta_text: formatEta(snapshot.etaSeconds),
          sources: formatSources(snapshot.sourceCounts),
        };
        if (!started) {
          bar.start(Math.max(snapshot.total, snapshot.current), snapshot.current, payload);
          started = true;
        }
        bar.setTotal(Math.max(snapshot.total, snapshot.current));
        bar.update(snapshot.current, payload);
      },
      stop: () => {
        if (stopped) return;
        stopped = true;
        // cli-progress ends the bar's line, so whatever is written next starts at column 0.
        if (started) bar.stop();
      },
    };
  }
  let lastTenth = -1;
  let stopped = false;
  return {
    update: (snapshot) => {
      if (stopped) return;
      const tenth = snapshot.total > 0 ? Math.floor((snapshot.current / snapshot.total) * 10) : 0;
      if (tenth <= lastTenth) return;
      lastTenth = tenth;
      stream.write(
        `${label}: ${tenth * 10}% (${snapshot.current}/${snapshot.total}) ${snapshot.rate.toFixed(1)}/s ETA ${formatEta(snapshot.etaSeconds)}` +
          (Object.keys(snapshot.sourceCounts).length > 0 ? ` | ${formatSources(snapshot.sourceCounts)}` : '') +
          '\n',
      );
    },
    stop: () => {
      stopped = true;
    },
  };
}
