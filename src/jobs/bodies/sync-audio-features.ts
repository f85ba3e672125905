// audio-features-sync: AudioMuse's analysis of the cached tracks.
//
// With AudioMuse's sync API (since 2026-05) one run reads the manifest of every analysed track ({id, fp},
// 1,000 a page), compares the fingerprints with the stored ones, and fetches only what is new or re-analysed,
// up to 500 tracks a request: about tracks/1000 + changed/500 requests a run. AudioMuse analyses a library
// progressively, so a track missing from today's manifest is simply looked for again in tomorrow's.
// An older AudioMuse (the manifest answers 404) is asked per track with get_score: tracks without features
// every run, analysed ones again after 30 days.
// Either way a row is stored only when its title and artist are the Plex track's (see audio-features-match).
import { createHash } from 'node:crypto';
import PQueue from 'p-queue';
import { getTrackIdentities } from '../../cache/storage/track-cache.ts';
import { planAudioFeaturesSync } from '../../cache/storage/audio-features.ts';
import { countTracksForFeatures, selectTracksForFeatures } from '../../cache/storage/track-cache.ts';
import { type AudioFeaturesWrite, upsertAudioFeatures } from '../../cache/storage/audio-features.ts';
import { matchAudioMuseRow, type PlexTrackIdentity } from '../../enrichment/audio-features-match.ts';
import { describeFailure } from '../../enrichment/provider-call.ts';
import type { AudiomuseClient } from '../../providers/audiomuse.ts';
import { isProviderError } from '../../providers/errors.ts';
import type { AudioMuseScore } from '../../types.ts';
import type { JobContext, JobResult } from '../engine/job-definition.ts';
import { checkpoint } from '../engine/checkpoint.ts';
import type { AudioFeaturesOptions } from './job-options.ts';

const RECHECK_AFTER_DAYS = 30;
const PAGE_SIZE = 200;

function analysisHash(score: AudioMuseScore): string {
  const { itemId, tempo, key, scale, energy, moodVector, otherFeatures } = score;
  return createHash('sha256')
    .update(JSON.stringify([itemId, tempo, key, scale, energy, moodVector, otherFeatures]))
    .digest('hex')
    .slice(0, 32);
}

/** What one track's answer adds to the run: a write, or the count it falls under. */
type Outcome = { write: AudioFeaturesWrite } | { count: 'refused-title' | 'refused-artist' | 'not-analysed' };

function judge(ratingKey: string, score: AudioMuseScore | undefined, track: PlexTrackIdentity | undefined): Outcome {
  // A track dropped from the cache since the plan was made: nothing to attach the features to.
  if (score === undefined || track === undefined) return { count: 'not-analysed' };
  const verdict = matchAudioMuseRow(score, track);
  if (verdict === 'title-differs') return { count: 'refused-title' };
  if (verdict === 'artist-differs') return { count: 'refused-artist' };
  return { write: { trackRatingKey: ratingKey, score, analysisHash: analysisHash(score) } };
}

function summary(context: JobContext, extra: string): JobResult {
  const counts = context.progress.snapshot().sourceCounts;
  const refused = (counts['refused-title'] ?? 0) + (counts['refused-artist'] ?? 0);
  return {
    message:
      `${counts.audiomuse ?? 0} tracks with new features, ${refused} refused (title or artist not the Plex track's), ` +
      `${counts['not-analysed'] ?? 0} not analysed by AudioMuse yet, ${counts.failed ?? 0} failed${extra}`,
  };
}

/** Every page of the manifest; undefined when this AudioMuse has no sync API (404). */
async function readManifest(
  audiomuse: AudiomuseClient,
  signal: AbortSignal,
): Promise<Array<{ id: string; fp: string }> | undefined> {
  const entries: Array<{ id: string; fp: string }> = [];
  let page: number | null = 1;
  while (page !== null) {
    checkpoint(signal);
    try {
      const answer = await audiomuse.syncIndexPage(page, { signal });
      entries.push(...answer.entries);
      // An empty page cannot lead anywhere: stop rather than trust a has_more that would never end.
      page = answer.entries.length === 0 ? null : answer.nextPage;
    } catch (error) {
      if (page === 1 && isProviderError(error) && error.kind === 'not-found' && error.status === 404) return undefined;
      throw error;
    }
  }
  return entries;
}

async function syncFromManifest(
  context: JobContext,
  options: AudioFeaturesOptions,
  audiomuse: AudiomuseClient,
  manifest: ReadonlyArray<{ id: string; fp: string }>,
): Promise<JobResult> {
  const { deps, progress, signal } = context;
  const plan = await planAudioFeaturesSync(deps.pool, manifest);
  const wanted = plan.changed.slice(0, options.limit ?? plan.changed.length);
  progress.setTotal(wanted.length + plan.notAnalysed);
  progress.skip(plan.notAnalysed, ['not-analysed']);
  progress.count('unchanged', plan.unchanged);
  const queue = new PQueue({ concurrency: options.concurrency });
  // allSettled: batches already answered are stored even when a cancel or a failure stops the others.
  const settled = await Promise.allSettled(
    audiomuse.syncBatches(wanted).map((batch) =>
      queue.add(async () => {
        checkpoint(signal);
        let rows: AudioMuseScore[];
        try {
          rows = await audiomuse.syncRowsBatch(batch, { signal });
        } catch (error) {
          if (signal.aborted) throw error;
          const reason = describeFailure(error);
          for (const ratingKey of batch) progress.fail(ratingKey, reason);
          return;
        }
        const byId = new Map(rows.map((row) => [row.itemId, row]));
        const tracks = await getTrackIdentities(deps.pool, batch);
        const outcomes = batch.map((ratingKey) => judge(ratingKey, byId.get(ratingKey), tracks.get(ratingKey)));
        await upsertAudioFeatures(
          deps.pool,
          outcomes.flatMap((outcome) => ('write' in outcome ? [outcome.write] : [])),
          deps.clock(),
        );
        for (const outcome of outcomes) progress.advance(1, ['write' in outcome ? 'audiomuse' : outcome.count]);
      }),
    ),
  );
  checkpoint(signal);
  const failure = settled.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failure) throw failure.reason;
  return summary(
    context,
    `, ${plan.unchanged} unchanged (from AudioMuse's sync manifest of ${manifest.length} tracks)`,
  );
}

/** AudioMuse without the sync API: one get_score per track that needs it. */
async function syncByScore(
  context: JobContext,
  options: AudioFeaturesOptions,
  audiomuse: AudiomuseClient,
): Promise<JobResult> {
  const { deps, progress, signal } = context;
  const recheckBefore = new Date(deps.clock().getTime() - RECHECK_AFTER_DAYS * 86_400_000);
  const total = await countTracksForFeatures(deps.pool, recheckBefore);
  progress.setTotal(Math.min(total, options.limit ?? total));
  const queue = new PQueue({ concurrency: options.concurrency });
  let after: string | null = null;
  let remaining = options.limit ?? Number.POSITIVE_INFINITY;

  while (remaining > 0) {
    checkpoint(signal);
    const keys = await selectTracksForFeatures(deps.pool, {
      after,
      recheckBefore,
      pageSize: Math.min(PAGE_SIZE, remaining),
    });
    if (keys.length === 0) break;
    after = keys.at(-1) ?? null;
    remaining -= keys.length;
    const tracks = await getTrackIdentities(deps.pool, keys);
    // allSettled: answers already received are stored even when a cancel stops the page half-way.
    const settled = await Promise.allSettled(
      keys.map((ratingKey) =>
        queue.add(async (): Promise<AudioFeaturesWrite | undefined> => {
          checkpoint(signal);
          let score: AudioMuseScore | undefined;
          try {
            score = await audiomuse.score(ratingKey, { signal });
          } catch (error) {
            if (signal.aborted) throw error;
            if (!(isProviderError(error) && error.kind === 'not-found')) {
              progress.fail(ratingKey, describeFailure(error));
              return undefined;
            }
          }
          const outcome = judge(ratingKey, score, tracks.get(ratingKey));
          progress.advance(1, ['write' in outcome ? 'audiomuse' : outcome.count]);
          return 'write' in outcome ? outcome.write : undefined;
        }),
      ),
    );
    const results = settled.flatMap((outcome) =>
      outcome.status === 'fulfilled' && outcome.value !== undefined ? [outcome.value] : [],
    );
    await upsertAudioFeatures(deps.pool, results, deps.clock());
    checkpoint(signal);
    const failure = settled.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failure) throw failure.reason;
  }
  return summary(context, ' (one get_score per track: this AudioMuse has no sync API)');
}

export async function syncAudioFeatures(context: JobContext, options: AudioFeaturesOptions): Promise<JobResult> {
  const audiomuse = context.deps.providers.audiomuse;
  if (!audiomuse) return { message: 'AudioMuse is not configured (AUDIOMUSE_URL is unset): nothing to do' };
  const manifest = await readManifest(audiomuse, context.signal);
  if (manifest === undefined) return syncByScore(context, options, audiomuse);
  return syncFromManifest(context, options, audiomuse, manifest);
}
