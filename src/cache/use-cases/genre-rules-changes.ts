// Proposing, previewing and applying genre rules versions, and re-merging stored entries under a
// version: every figure comes from the raw tags the cache keeps, so none of it sends a provider request.
import type { Config } from '../../config.ts';
import type { AlbumSource } from '../../enrichment/enrich-album.ts';
import type { ArtistSource } from '../../enrichment/enrich-artist.ts';
import { buildGenreRulesFromDocument } from '../../enrichment/genre-rules.ts';
import {
  applyGenreRulesChange,
  type GenreRulesChange,
  type GenreRulesDocument,
} from '../../enrichment/genre-rules-document.ts';
import {
  type GenreRulesPreview,
  GenreRulesPreviewTally,
  type PreviewEntryKind,
} from '../../enrichment/genre-rules-preview.ts';
import { remergeAlbum, remergeArtist } from '../../enrichment/remerge.ts';
import { type EnrichmentSettings, enrichmentSettingsWithRules } from '../../enrichment/settings.ts';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import { sourceList } from '../policy/entry-sources.ts';
import { albumKeyString } from '../policy/entry-keys.ts';
import { getAlbumOverrides, getArtistOverrides } from '../storage/entry-overrides.ts';
import type { EntryOverrides } from '../../enrichment/entry-overrides.ts';
import {
  createGenreRulesProposal,
  findGenreRulesVersion,
  type GenreRulesOrigin,
  type GenreRulesVersion,
  markGenreRulesVersionApplied,
} from '../storage/genre-rules-versions.ts';
import {
  type MergedFieldsWrite,
  readAlbumBatch,
  readArtistBatch,
  type StoredMergedEntry,
} from '../storage/merged-fields.ts';
import { storedRawTags } from '../storage/raw-tags.ts';
import type { ActiveGenreRules } from './active-genre-rules.ts';

/** Entries read per query while walking the cache. */
const REMERGE_BATCH_SIZE = 500;

export class GenreRulesVersionNotFoundError extends Error {
  override name = 'GenreRulesVersionNotFoundError';
  constructor(readonly id: number) {
    super(`no genre rules version ${id}`);
  }
}

/** What the entry's merge would store under these settings, from its raw tags. */
export function remergeStoredEntry(
  kind: PreviewEntryKind,
  entry: StoredMergedEntry & { overrides: EntryOverrides | undefined },
  settings: EnrichmentSettings,
): MergedFieldsWrite {
  const merged =
    kind === 'artist'
      ? remergeArtist(
          entry.artist,
          storedRawTags<ArtistSource>(entry.rawTags),
          settings,
          entry.fetchedAt,
          entry.overrides,
        )
      : remergeAlbum(
          entry.artist,
          entry.title ?? '',
          storedRawTags<AlbumSource>(entry.rawTags),
          settings,
          entry.fetchedAt,
          entry.overrides,
        );
  return {
    id: entry.id,
    genres: merged.genres,
    styles: merged.styles,
    moods: merged.moods,
    facets: merged.facets,
    source: sourceList(merged.source),
    status: merged.status,
  };
}

/** Visits every artist, then every album, a batch at a time in id order; stops between batches when aborted. */
export async function walkMergedEntries(
  prisma: PrismaClient,
  visit: (
    kind: PreviewEntryKind,
    batch: Array<StoredMergedEntry & { overrides: EntryOverrides | undefined }>,
  ) => Promise<void> | void,
  signal?: AbortSignal,
): Promise<void> {
  for (const kind of ['artist', 'album'] as const) {
    const read = kind === 'artist' ? readArtistBatch : readAlbumBatch;
    let afterId = 0;
    for (;;) {
      signal?.throwIfAborted();
      const batch = await read(prisma, afterId, REMERGE_BATCH_SIZE);
      if (batch.length === 0) break;
      // The user's pins and blocks of the whole batch in one query: a re-merge keeps them.
      const overrides =
        kind === 'artist'
          ? await getArtistOverrides(
              prisma,
              batch.map((entry) => entry.artistKey),
            )
          : await getAlbumOverrides(
              prisma,
              batch.map((entry) => ({ artistKey: entry.artistKey, titleKey: entry.titleKey ?? '' })),
            );
      const keyOf = (entry: StoredMergedEntry) =>
        entry.titleKey === null
          ? entry.artistKey
          : albumKeyString({ artistKey: entry.artistKey, titleKey: entry.titleKey });
      await visit(
        kind,
        batch.map((entry) => ({ ...entry, overrides: overrides.get(keyOf(entry)) })),
      );
      afterId = batch[batch.length - 1]?.id ?? afterId;
    }
  }
}

/** What re-merging the whole cache under this document would change. */
async function previewGenreRulesDocument(
  prisma: PrismaClient,
  genres: Config['genres'],
  document: GenreRulesDocument,
): Promise<GenreRulesPreview> {
  const rules = buildGenreRulesFromDocument(document);
  const settings = enrichmentSettingsWithRules(genres, rules);
  const tally = new GenreRulesPreviewTally(rules);
  await walkMergedEntries(prisma, (kind, batch) => {
    for (const entry of batch) {
      const after = remergeStoredEntry(kind, entry, settings);
      tally.add(kind, { artist: entry.artist, title: entry.title }, entry, after);
    }
  });
  return tally.result();
}

export interface GenreRulesProposal {
  version: GenreRulesVersion;
  preview: GenreRulesPreview;
}

interface ProposalDependencies {
  prisma: PrismaClient;
  config: Config;
  genreRules: ActiveGenreRules;
}

/**
 * Stores a document as a proposal and previews it. A document the rules cannot be built from (a bad
 * pattern, a cycle of parents) throws GenreRulesError before anything is stored.
 */
export async function proposeGenreRulesDocument(
  deps: ProposalDependencies,
  document: GenreRulesDocument,
  origin: GenreRulesOrigin,
): Promise<GenreRulesProposal> {
  buildGenreRulesFromDocument(document);
  const preview = await previewGenreRulesDocument(deps.prisma, deps.config.genres, document);
  const version = await createGenreRulesProposal(deps.prisma, document, origin);
  return { version, preview };
}

/** The active version with a change made to it, stored as a proposal and previewed. */
export async function proposeGenreRulesChange(
  deps: ProposalDependencies,
  change: GenreRulesChange,
): Promise<GenreRulesProposal> {
  // The active version as stored, not as this process last heard of it.
  await deps.genreRules.reload();
  return await proposeGenreRulesDocument(deps, applyGenreRulesChange(deps.genreRules.document, change), 'proposal');
}

/**
 * Makes a version the active one, for this process at once and for the others by NOTIFY. The caller
 * starts the cache-remerge run that brings the stored entries in line.
 */
export async function applyGenreRulesVersion(deps: ProposalDependencies, id: number): Promise<GenreRulesVersion> {
  const version = await findGenreRulesVersion(deps.prisma, id);
  if (version === null) throw new GenreRulesVersionNotFoundError(id);
  const applied = await markGenreRulesVersionApplied(deps.prisma, id);
  await deps.genreRules.reload();
  return applied;
}
