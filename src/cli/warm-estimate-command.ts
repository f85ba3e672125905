// `linernotes warm --estimate`: what the warm would cost, before anything runs (the API's warmEstimate):
// the library's size from one Plex request, the fresh share, the requests per provider and the duration.
import { JobNotConfiguredError } from '../jobs/engine/readiness.ts';
import { estimateWarm } from '../jobs/estimate/warm-estimate.ts';
import { isProviderError } from '../providers/errors.ts';
import { openCommandContext } from './command-context.ts';
import { formatEstimate } from './estimate-table.ts';

export async function warmEstimateCommand(
  kind: 'cache-warm' | 'cache-warm-albums',
  options: { skipCached: boolean; json: boolean },
): Promise<number> {
  const context = await openCommandContext({ runtime: true });
  const runtime = context.runtime;
  if (!runtime) throw new Error('runtime missing');
  try {
    const estimate = await estimateWarm(runtime.deps, kind, { skipCached: options.skipCached });
    process.stdout.write(
      options.json
        ? `${JSON.stringify(estimate, null, 2)}\n`
        : `${kind} estimate: ${estimate.summary}\n${formatEstimate(estimate)}\n`,
    );
    return 0;
  } catch (error) {
    if (error instanceof JobNotConfiguredError) {
      process.stderr.write(`linernotes: ${error.message}\n`);
      return 2;
    }
    if (isProviderError(error)) {
      process.stderr.write(`linernotes: ${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    await context.close();
  }
}
