// audio-features-sync: AudioMuse's analysis for every track that has none yet, or whose features
// are old enough that AudioMuse may have analysed the track again.
import { createHash } from 'node:crypto';
import pLimit from 'p-limit';
import { countTracksForFeatures, selectTracksForFeatures } from '../cache/tracks/select-tracks-for-features.ts';
import { type AudioFeaturesWrite, upsertAudioFeatures } from '../cache/tracks/upsert-audio-features.ts';
import { describeFailure } from '../enrichment/provider-call.ts';
import { isProviderError } from '../providers/errors.ts';
import type { AudioMuseScore } from '../types.ts';
import { checkpoint, type JobContext, type JobResult } from './dependencies.ts';
import type { AudioFeaturesOptions } from './job-options.ts';

const RECHECK_AFTER_DAYS = 30;
const PAGE_SIZE = 200;

function analysisHash(score: AudioMuseScore): string {
  const { itemId, tempo, key, scale, energy, moodVector, otherFeatures } = score;
  return createHash('sha256').update(JSON.stringify([itemId, tempo, key, scale, energy, moodVector, otherFeatures])).digest('hex').slice(0, 32);
}

export async function syncAudioFeatures(context: JobContext, options: AudioFeaturesOptions): Promise<JobResult> {
  const { deps, progress, signal } = context;
  const audiomuse = deps.providers.audiomuse;
  if (!audiomuse) return { message: 'AudioMuse is not configured (AUDIOMUSE_URL is unset): nothing to do' };
  const recheckBefore = new Date(deps.clock().getTime() - RECHECK_AFTER_DAYS * 86_400_000);
  const total = await countTracksForFeatures(deps.pool, recheckBefore);
  progress.setTotal(Math.min(total, options.limit ?? total));
  const limit = pLimit(options.concurrency);
  let after: string | null = null;
  let remaining = options.limit ?? Number.POSITIVE_INFINITY;

  while (remaining > 0) {
    checkpoint(signal);
    const keys = await selectTracksForFeatures(deps.pool, { after, recheckBefore, pageSize: Math.min(PAGE_SIZE, remaining) });
    if (keys.length === 0) break;
    after = keys.at(-1) ?? null;
    remaining -= keys.length;
    // allSettled: answers already received are stored even when a cancel stops the page half-way.
    const settled = await Promise.allSettled(
      keys.map((ratingKey) =>
        limit(async (): Promise<AudioFeaturesWrite | undefined> => {
          checkpoint(signal);
          try {
            const score = await audiomuse.score(ratingKey, { signal });
            progress.advance(1, ['audiomuse']);
            return { trackRatingKey: ratingKey, score, analysisHash: analysisHash(score) };
          } catch (error) {
            if (signal.aborted) throw error;
            if (isProviderError(error) && error.kind === 'not-found') {
              progress.advance(1, ['not-analysed']);
              return { trackRatingKey: ratingKey, score: undefined, analysisHash: null };
            }
            progress.fail(ratingKey, describeFailure(error));
            return undefined;
          }
        }),
      ),
    );
    const results = settled.flatMap((outcome) => (outcome.status === 'fulfilled' && outcome.value !== undefined ? [outcome.value] : []));
    await upsertAudioFeatures(deps.pool, results, deps.clock());
    checkpoint(signal);
    const failure = settled.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failure) throw failure.reason;
  }
  const done = progress.snapshot();
  return {
    message: `${done.current} tracks: ${done.sourceCounts.audiomuse ?? 0} with features, ${done.sourceCounts['not-analysed'] ?? 0} not analysed by AudioMuse, ${done.sourceCounts.failed ?? 0} failed`,
  };
}
