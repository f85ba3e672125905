// Genre rules as versioned data: the genreRules query, proposeGenreRules (a proposal and its preview) and
// applyGenreRules (the version made active, and the cache-remerge run that follows). The logic is in
// src/cache/use-cases/genre-rules-changes.ts; this file translates.
import {
  applyGenreRulesVersion,
  GenreRulesVersionNotFoundError,
  type GenreRulesProposal,
  proposeGenreRulesChange,
} from '../../cache/use-cases/genre-rules-changes.ts';
import type { GenreRulesVersion } from '../../cache/storage/genre-rules-versions.ts';
import { findActiveGenreRulesVersion } from '../../cache/storage/genre-rules-versions.ts';
import {
  type GenreRulesChange,
  GenreRulesError,
  genreRulesDocumentFrom,
} from '../../enrichment/genre-rules-document.ts';
import type { GenreCounts, PreviewExample } from '../../enrichment/genre-rules-preview.ts';
import type { JobRunRecord } from '../../jobs/engine/runs/run-fields.ts';
import { builder } from '../builder.ts';
import { InvalidInputError, NotFoundError } from '../errors.ts';
import { assertCanMutate } from '../guards.ts';
import { startRunFromApi } from '../start-run.ts';
import { JobRunRef } from './job-run.ts';

const GenreRulesStatusEnum = builder.enumType('GenreRulesStatus', {
  description: 'Whether a genre rules version is only proposed or has been applied.',
  values: {
    PROPOSED: { value: 'proposed', description: 'Stored with its preview; not used by any merge.' },
    APPLIED: { value: 'applied', description: 'Applied at some point; the one applied last is active.' },
  } as const,
});

const GenreParentsRef = builder.objectRef<{ genre: string; parents: string[] }>('GenreParents').implement({
  description: 'A genre and its parent genres (tech house → techno, house).',
  fields: (t) => ({
    genre: t.exposeString('genre', { description: 'The genre, as written in the rules.' }),
    parents: t.exposeStringList('parents', { description: 'Its parents, closest first.' }),
  }),
});

const GenreRulesVersionRef = builder.objectRef<GenreRulesVersion>('GenreRulesVersion').implement({
  description: 'One version of the genre rules: aliases, blocklist, parent genres and allow-list mode.',
  fields: (t) => ({
    id: t.id({ description: 'The version id, as applyGenreRules takes it.', resolve: (version) => String(version.id) }),
    status: t.field({
      type: GenreRulesStatusEnum,
      description: 'Proposed or applied.',
      resolve: (version) => version.status,
    }),
    origin: t.exposeString('origin', {
      description: 'seed (the shipped files and GENRE_* variables, at first start), proposal or import.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was proposed or seeded.' }),
    appliedAt: t.expose('appliedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When it was last applied; null for a proposal not applied yet.',
    }),
    document: t.field({
      type: 'JSON',
      description:
        'The whole rules document, in the shape `linernotes rules export` writes: format, aliases (canonical genre → spellings), blocklist (tags, patterns), parents, allowList (enabled, genres).',
      resolve: (version) => version.rules,
    }),
    aliasCount: t.int({
      description: 'Spellings read as another genre.',
      resolve: (version) =>
        Object.values(genreRulesDocumentFrom(version.rules, `rules version ${version.id}`).aliases).reduce(
          (sum, spellings) => sum + spellings.length,
          0,
        ),
    }),
    blockedTags: t.stringList({
      description: 'Tags on the blocklist.',
      resolve: (version) => genreRulesDocumentFrom(version.rules, `rules version ${version.id}`).blocklist.tags,
    }),
    blockedPatterns: t.stringList({
      description: 'Regular expressions tested against the genre key; a match is dropped.',
      resolve: (version) => genreRulesDocumentFrom(version.rules, `rules version ${version.id}`).blocklist.patterns,
    }),
    parents: t.field({
      type: [GenreParentsRef],
      description: 'Parent genres: each kept genre brings its parents along.',
      resolve: (version) =>
        Object.entries(genreRulesDocumentFrom(version.rules, `rules version ${version.id}`).parents).map(
          ([genre, parents]) => ({ genre, parents }),
        ),
    }),
    allowListEnabled: t.boolean({
      description: 'Allow-list mode: only genres the rules know (and allowListGenres) are kept.',
      resolve: (version) => genreRulesDocumentFrom(version.rules, `rules version ${version.id}`).allowList.enabled,
    }),
    allowListGenres: t.stringList({
      description: 'Genres allowed in allow-list mode besides those the aliases and parents name.',
      resolve: (version) => genreRulesDocumentFrom(version.rules, `rules version ${version.id}`).allowList.genres,
    }),
  }),
});

const EntryChangeCountRef = builder
  .objectRef<{ examined: number; changed: number }>('GenreRulesEntryChangeCount')
  .implement({
    description: 'Entries of one kind: how many were looked at and how many would change.',
    fields: (t) => ({
      examined: t.exposeInt('examined', { description: 'Entries in the cache.' }),
      changed: t.exposeInt('changed', {
        description: 'Entries whose genres, styles, moods or sources the re-merge would change.',
      }),
    }),
  });

const countFields = {
  artists: 'Artists with this change.',
  albums: 'Albums with this change.',
};

const GenreRelabelRef = builder.objectRef<{ from: string; to: string } & GenreCounts>('GenreRelabel').implement({
  description: 'A genre the new rules read as another one (rock → alternative rock), with the entries it moves.',
  fields: (t) => ({
    from: t.exposeString('from', { description: 'The genre entries have now.' }),
    to: t.exposeString('to', { description: 'The genre they would have instead.' }),
    artists: t.exposeInt('artists', { description: countFields.artists }),
    albums: t.exposeInt('albums', { description: countFields.albums }),
  }),
});

const GenreCountChangeRef = builder.objectRef<{ genre: string } & GenreCounts>('GenreCountChange').implement({
  description: 'A genre entries would gain or lose, with how many.',
  fields: (t) => ({
    genre: t.exposeString('genre', { description: 'The genre, as displayed.' }),
    artists: t.exposeInt('artists', { description: countFields.artists }),
    albums: t.exposeInt('albums', { description: countFields.albums }),
  }),
});

const PreviewEntryKindEnum = builder.enumType('GenreRulesPreviewEntryKind', {
  description: 'Whether an example is an artist or an album.',
  values: {
    ARTIST: { value: 'artist', description: 'An artist entry.' },
    ALBUM: { value: 'album', description: 'An album entry.' },
  } as const,
});

const PreviewExampleRef = builder.objectRef<PreviewExample>('GenreRulesPreviewExample').implement({
  description: 'One entry the change would alter, with its genres before and after.',
  fields: (t) => ({
    kind: t.field({ type: PreviewEntryKindEnum, description: 'Artist or album.', resolve: (entry) => entry.kind }),
    artist: t.exposeString('artist', { description: 'The artist (of the album, for an album).' }),
    title: t.exposeString('title', { nullable: true, description: 'The album title; null for an artist.' }),
    before: t.stringList({ description: 'Its genres now.', resolve: (entry) => [...entry.before] }),
    after: t.stringList({ description: 'Its genres under the proposed rules.', resolve: (entry) => [...entry.after] }),
  }),
});

const GenreRulesProposalRef = builder.objectRef<GenreRulesProposal>('GenreRulesProposal').implement({
  description:
    'A proposed genre rules version and what applying it would change, computed from the stored raw tags (no provider request).',
  fields: (t) => ({
    version: t.field({
      type: GenreRulesVersionRef,
      description: 'The proposal: pass its id to applyGenreRules.',
      resolve: (proposal) => proposal.version,
    }),
    summary: t.string({
      description: 'One line, e.g. "would change 0 artists and 312 albums: Rock → Alternative Rock (312 albums)".',
      resolve: (proposal) => proposal.preview.summary,
    }),
    artists: t.field({
      type: EntryChangeCountRef,
      description: 'Artists looked at and changed.',
      resolve: (proposal) => proposal.preview.artists,
    }),
    albums: t.field({
      type: EntryChangeCountRef,
      description: 'Albums looked at and changed.',
      resolve: (proposal) => proposal.preview.albums,
    }),
    relabels: t.field({
      type: [GenreRelabelRef],
      description: 'Genres read as another genre, most entries first (at most 25).',
      resolve: (proposal) => proposal.preview.relabels,
    }),
    gained: t.field({
      type: [GenreCountChangeRef],
      description: 'Genres entries would gain (not by relabelling), most entries first (at most 25).',
      resolve: (proposal) => proposal.preview.gained,
    }),
    lost: t.field({
      type: [GenreCountChangeRef],
      description: 'Genres entries would lose (not by relabelling), most entries first (at most 25).',
      resolve: (proposal) => proposal.preview.lost,
    }),
    examples: t.field({
      type: [PreviewExampleRef],
      description: 'A few entries that would change (at most 5).',
      resolve: (proposal) => proposal.preview.examples,
    }),
  }),
});

const GenreRulesApplicationRef = builder
  .objectRef<{ version: GenreRulesVersion; run: JobRunRecord }>('GenreRulesApplication')
  .implement({
    description: 'An applied version and the cache-remerge run that brings the stored entries in line with it.',
    fields: (t) => ({
      version: t.field({
        type: GenreRulesVersionRef,
        description: 'The version, now active.',
        resolve: (application) => application.version,
      }),
      run: t.field({
        type: JobRunRef,
        description: 'The cache-remerge run (the one already queued or running, if any).',
        resolve: (application) => application.run,
      }),
    }),
  });

const GenreAliasInput = builder.inputType('GenreAliasInput', {
  description: 'A spelling to read as a genre.',
  fields: (t) => ({
    from: t.string({ required: true, description: 'The spelling (a tag as providers write it).' }),
    to: t.string({ required: true, description: 'The genre it stands for; a known spelling lands on its genre.' }),
  }),
});

const GenreParentsInput = builder.inputType('GenreParentsInput', {
  description: 'A genre’s parents, replacing those it has.',
  fields: (t) => ({
    genre: t.string({ required: true, description: 'The genre.' }),
    parents: t.stringList({ required: true, description: 'Its parents; an empty list removes them.' }),
  }),
});

const GenreAllowListInput = builder.inputType('GenreAllowListInput', {
  description: 'Allow-list mode and its own genres.',
  fields: (t) => ({
    enabled: t.boolean({ required: true, description: 'Keep only the genres the rules know, and genres.' }),
    genres: t.stringList({ description: 'Replaces the allow-list’s own genres; left out, they stay.' }),
  }),
});

const GenreRulesChangeInput = builder.inputType('GenreRulesChangeInput', {
  description: 'Edits to the active genre rules; at least one. They apply in the order of the fields.',
  fields: (t) => ({
    addAliases: t.field({ type: [GenreAliasInput], description: 'Spellings to read as a genre.' }),
    removeAliases: t.stringList({ description: 'Spellings no longer read as another genre.' }),
    block: t.stringList({ description: 'Tags to drop; `/regex/` adds a pattern tested against the genre key.' }),
    unblock: t.stringList({ description: 'Tags (or `/regex/` patterns) to take off the blocklist.' }),
    setParents: t.field({ type: [GenreParentsInput], description: 'Parent genres to set.' }),
    allowList: t.field({ type: GenreAllowListInput, description: 'Allow-list mode on or off.' }),
  }),
});

/** At most this many edits in one change: more is a file to import, not a mutation. */
const MAX_EDITS = 1_000;

function changeOf(input: {
  addAliases?: Array<{ from: string; to: string }> | null;
  removeAliases?: string[] | null;
  block?: string[] | null;
  unblock?: string[] | null;
  setParents?: Array<{ genre: string; parents: string[] }> | null;
  allowList?: { enabled: boolean; genres?: string[] | null } | null;
}): GenreRulesChange {
  const change: GenreRulesChange = {
    addAliases: input.addAliases ?? undefined,
    removeAliases: input.removeAliases ?? undefined,
    block: input.block ?? undefined,
    unblock: input.unblock ?? undefined,
    setParents: input.setParents ?? undefined,
    allowList:
      input.allowList === null || input.allowList === undefined
        ? undefined
        : { enabled: input.allowList.enabled, genres: input.allowList.genres ?? undefined },
  };
  const lists = [change.addAliases, change.removeAliases, change.block, change.unblock, change.setParents];
  const edits = lists.reduce((sum, list) => sum + (list?.length ?? 0), 0) + (change.allowList === undefined ? 0 : 1);
  if (edits === 0)
    throw new InvalidInputError('change: make at least one edit', [{ field: 'change', message: 'no edit' }]);
  if (edits > MAX_EDITS)
    throw new InvalidInputError(`change: at most ${MAX_EDITS} edits; import a rules file for more`, [
      { field: 'change', message: `more than ${MAX_EDITS} edits` },
    ]);
  return change;
}

function rulesProblem(error: GenreRulesError, field: string): InvalidInputError {
  return new InvalidInputError(
    error.problems.join('; '),
    error.problems.map((message) => ({ field, message })),
  );
}

builder.queryField('genreRules', (t) =>
  t.field({
    type: GenreRulesVersionRef,
    description: 'The active genre rules version: what every merge of every process uses.',
    resolve: async (_root, _args, context) => {
      const version = await findActiveGenreRulesVersion(context.deps.prisma);
      // Every process seeds a version when it starts, so none is only a database emptied behind its back.
      if (version === null) throw new NotFoundError('genreRules', 'no genre rules version is stored');
      return version;
    },
  }),
);

builder.mutationFields((t) => ({
  proposeGenreRules: t.field({
    type: GenreRulesProposalRef,
    description:
      'Stores the active genre rules with these edits as a proposal and answers what applying it would change. Changes no entry; applyGenreRules does.',
    args: {
      change: t.arg({ type: GenreRulesChangeInput, required: true, description: 'The edits.' }),
    },
    resolve: async (_root, args, context) => {
      assertCanMutate(context);
      try {
        return await proposeGenreRulesChange(context.deps, changeOf(args.change));
      } catch (error) {
        if (error instanceof GenreRulesError) throw rulesProblem(error, 'change');
        throw error;
      }
    },
  }),
  applyGenreRules: t.field({
    type: GenreRulesApplicationRef,
    description:
      'Makes a genre rules version the active one for every process (an older applied version becomes active again) and starts a cache-remerge run, which recomputes every entry from its stored raw tags without a provider request.',
    args: { id: t.arg.id({ required: true, description: 'The version id, as GenreRulesVersion.id shows it.' }) },
    resolve: async (_root, args, context) => {
      assertCanMutate(context);
      const id = /^[1-9][0-9]{0,9}$/.test(String(args.id)) ? Number(args.id) : Number.NaN;
      if (!Number.isSafeInteger(id) || id > 2_147_483_647)
        throw new NotFoundError(String(args.id), `there is no genre rules version ${String(args.id)}`);
      try {
        const version = await applyGenreRulesVersion(context.deps, id);
        const run = await startRunFromApi(context, 'cache-remerge', {});
        return { version, run };
      } catch (error) {
        if (error instanceof GenreRulesVersionNotFoundError)
          throw new NotFoundError(String(args.id), `there is no genre rules version ${String(args.id)}`);
        throw error;
      }
    },
  }),
  remergeCache: t.field({
    type: JobRunRef,
    description:
      'Queues cache-remerge: every artist and album recomputed from its stored raw tags under the active genre rules, with no provider request.',
    resolve: (_root, _args, context) => startRunFromApi(context, 'cache-remerge', {}),
  }),
}));
