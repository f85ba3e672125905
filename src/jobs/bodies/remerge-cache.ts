// cache-remerge: recomputes every artist and album entry from its stored raw tags under the active
// genre rules version, with no provider request, and writes only the entries whose merge changed.
// Progress counts entries `changed` and `unchanged`. A version applied while the run goes on is picked
// up by the next batch; the run then goes over the entries before it once more, so at its end every
// entry has the version active then.
import { remergeStoredEntry, walkMergedEntries } from '../../cache/use-cases/genre-rules-changes.ts';
import { countMergedEntries, type MergedFieldsWrite, writeMergedFields } from '../../cache/storage/merged-fields.ts';
import { sameMergedFields } from '../../enrichment/genre-rules-preview.ts';
import type { JobContext, JobResult } from '../engine/job-definition.ts';
import { checkpoint } from '../engine/checkpoint.ts';

/** Passes over the cache at most: versions applied one after another during a run must not keep it going. */
const MAX_PASSES = 3;

export async function remergeCache(context: JobContext): Promise<JobResult> {
  const { deps, progress, signal } = context;
  // The version as stored: a notification this process missed must not leave it on older rules.
  await deps.genreRules.reload();
  let changed = 0;
  let versionId = deps.genreRules.versionId;
  for (let pass = 1; pass <= MAX_PASSES; pass++) {
    const counts = await countMergedEntries(deps.prisma);
    if (pass === 1) progress.setTotal(counts.artists + counts.albums);
    else progress.addToTotal(counts.artists + counts.albums);
    const startedWith = deps.genreRules.versionId;
    await walkMergedEntries(deps.prisma, async (kind, batch) => {
      checkpoint(signal);
      const settings = deps.genreRules.settings();
      const writes: MergedFieldsWrite[] = [];
      for (const entry of batch) {
        const after = remergeStoredEntry(kind, entry, settings);
        if (!sameMergedFields(entry, after)) writes.push(after);
      }
      await writeMergedFields(deps.pool, kind === 'artist' ? 'artist_cache' : 'album_cache', writes);
      changed += writes.length;
      progress.advance(writes.length, ['changed']);
      progress.advance(batch.length - writes.length, ['unchanged']);
    });
    versionId = deps.genreRules.versionId;
    if (versionId === startedWith) break;
  }
  return { message: `re-merged under genre rules version ${versionId}: ${changed} entries changed` };
}
