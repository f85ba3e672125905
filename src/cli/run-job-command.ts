// The CLI's door to a job: runs it in the foreground with a progress display; Ctrl-C cancels it
// gracefully (the run is recorded `cancelled`). Exit code: 0 succeeded, 1 failed, 130 cancelled.
// A dry run records no run: it prints what it counted.
import { ZodError } from 'zod';
import { JobNotConfiguredError } from '../jobs/engine/readiness.ts';
import { RunAlreadyActiveError } from '../jobs/engine/run-now.ts';
import { checkJobOptions, runJobNow } from '../jobs/start-job.ts';
import { runFailures, runSourceCounts } from '../jobs/engine/runs/run-fields.ts';
import type { JobKind } from '../types.ts';
import { configOrExit, openCommandContext } from './command-context.ts';
import { createProgressDisplay, formatSources } from './progress-display.ts';
import { formatEstimate } from './estimate-table.ts';

const EXIT_CODES = { succeeded: 0, failed: 1, cancelled: 130 } as const;

function describeInvalidOptions(error: ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || 'options'}: ${issue.message}`).join('; ');
}

/** The exit code and message for a run refused before it starts, or undefined for any other error. */
function refusal(kind: JobKind, error: unknown): number | undefined {
  if (error instanceof ZodError) {
    process.stderr.write(`linernotes: invalid options for ${kind}: ${describeInvalidOptions(error)}\n`);
    return 2;
  }
  // Refused as the API refuses it (NOT_CONFIGURED): nothing is recorded.
  if (error instanceof JobNotConfiguredError) {
    process.stderr.write(`linernotes: ${error.message}\n`);
    return 2;
  }
  return undefined;
}

export async function runJobCommand(kind: JobKind, options: Record<string, unknown>): Promise<number> {
  // Refused before the database is opened: a process start would already write (the first genre rules version).
  try {
    checkJobOptions(kind, options, await configOrExit());
  } catch (error) {
    const code = refusal(kind, error);
    if (code === undefined) throw error;
    return code;
  }
  const context = await openCommandContext({ runtime: true });
  const runtime = context.runtime;
  if (!runtime) throw new Error('runtime missing');
  const cancel = new AbortController();
  const display = createProgressDisplay(kind);
  const onSignal = () => {
    if (cancel.signal.aborted) return;
    // The bar first: a message written over it would share its line.
    display.stop();
    process.stderr.write(`${kind}: cancelling at the next check point (what was written is kept)…\n`);
    cancel.abort();
  };
  // SIGHUP too: closing the terminal should cancel the run cleanly, not kill the process under it.
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  try {
    const outcome = await runJobNow(runtime, kind, options, {
      cancelSignal: cancel.signal,
      onProgress: (snapshot) => display.update(snapshot),
    });
    display.stop();
    if (outcome.outcome === 'dry-run') {
      const sources = formatSources(outcome.progress.sourceCounts);
      process.stdout.write(
        `${kind} ${outcome.message ?? `dry run ${outcome.status}`} (nothing recorded)\n${sources ? `sources: ${sources}\n` : ''}`,
      );
      if (outcome.estimate !== undefined) process.stdout.write(`${formatEstimate(outcome.estimate)}\n`);
      return EXIT_CODES[outcome.status];
    }
    if (outcome.outcome !== 'finished') {
      process.stderr.write(`${kind}: the run ended without a final status (${outcome.outcome})\n`);
      return 1;
    }
    const run = outcome.run;
    const summary = [
      `${kind} run ${run.id} ${run.status}`,
      run.message,
      run.error ? `error: ${run.error}` : null,
      Object.keys(runSourceCounts(run)).length > 0 ? `sources: ${formatSources(runSourceCounts(run))}` : null,
    ].filter((part): part is string => part !== null && part !== '');
    process.stdout.write(`${summary.join('\n')}\n`);
    for (const failure of runFailures(run).slice(0, 5))
      process.stderr.write(`  failed: ${failure.entity}: ${failure.reason}\n`);
    return EXIT_CODES[run.status as keyof typeof EXIT_CODES] ?? 1;
  } catch (error) {
    display.stop();
    const code = refusal(kind, error);
    if (code !== undefined) return code;
    if (error instanceof RunAlreadyActiveError) {
      process.stderr.write(`linernotes: ${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
    await context.close();
  }
}
