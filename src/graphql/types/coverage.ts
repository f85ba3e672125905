// coverage: how complete the cache's metadata is (src/cache/use-cases/coverage/get-coverage-report.ts).
import {
  type CoverageReport,
  type CoverageShare,
  type EntityCoverage,
  getCoverageReport,
  MAX_TAG_CANDIDATES,
  type TagCandidate,
} from '../../cache/use-cases/coverage/get-coverage-report.ts';
import { builder } from '../builder.ts';
import { InvalidInputError } from '../errors.ts';

const AMBIGUOUS_SAMPLE = 20;

const CoverageShareRef = builder.objectRef<CoverageShare>('CoverageShare').implement({
  description: 'A number of entries and its share of the table.',
  fields: (t) => ({
    entries: t.exposeInt('entries', { description: 'Entries counted.' }),
    share: t.exposeFloat('share', { description: 'entries / the table’s total, 0–1 (0 when the table is empty).' }),
  }),
});

const SourceCoverageRef = builder.objectRef<{ source: string } & CoverageShare>('SourceCoverage').implement({
  description: 'What one source contributed to: entries it gave genres, styles or moods (or, for tracks, features).',
  fields: (t) => ({
    source: t.exposeString('source', {
      description:
        'The source: plex, lastfm, musicbrainz, spotify, or artist (album genres borrowed from the artist); for tracks plex (genres or moods) and audiomuse (audio features).',
    }),
    entries: t.exposeInt('entries', { description: 'Entries it contributed to.' }),
    share: t.exposeFloat('share', { description: 'entries / the table’s total, 0–1.' }),
  }),
});

const EntityCoverageRef = builder.objectRef<EntityCoverage>('EntityCoverage').implement({
  description: 'How complete one table’s metadata is.',
  fields: (t) => ({
    total: t.exposeInt('total', { description: 'Entries in the table.' }),
    withGenres: t.field({
      type: CoverageShareRef,
      description: 'Entries with at least one genre.',
      resolve: (c) => c.withGenres,
    }),
    withMoods: t.field({
      type: CoverageShareRef,
      description: 'Entries with at least one mood.',
      resolve: (c) => c.withMoods,
    }),
    withAudioFeatures: t.field({
      type: CoverageShareRef,
      description: 'Tracks with audio features; for artists and albums, those with at least one such track.',
      resolve: (c) => c.withAudioFeatures,
    }),
    nobodyKnew: t.field({
      type: CoverageShareRef,
      description:
        'Entries no provider knew anything about (source none); for tracks, those with no genre, mood or audio features.',
      resolve: (c) => c.nobodyKnew,
    }),
    ambiguous: t.field({
      type: CoverageShareRef,
      description:
        'Artists MusicBrainz found several namesakes for and could not tell apart (0 for albums and tracks).',
      resolve: (c) => c.ambiguous,
    }),
    bySource: t.field({
      type: [SourceCoverageRef],
      description: 'Entries each source contributed to, most first.',
      resolve: (c) => c.bySource,
    }),
  }),
});

const TagCandidateReasonEnum = builder.enumType('TagCandidateReason', {
  description: 'Why a raw tag is listed as a candidate for the genre rules.',
  values: {
    BLOCKED: {
      value: 'blocked',
      description: 'The blocklist drops it (a built-in or GENRE_BLOCKLIST entry or pattern).',
    },
    NOT_ALLOWED: { value: 'not-allowed', description: 'Allow-list mode drops it: the allow-list lacks its genre.' },
    UNMAPPED: {
      value: 'unmapped',
      description: 'Kept as written: no alias maps it to a known genre (a candidate for GENRE_ALIASES).',
    },
  } as const,
});

const TagCandidateRef = builder.objectRef<TagCandidate>('TagCandidate').implement({
  description: 'A raw provider tag the genre rules drop or do not map, with how many entries carry it.',
  fields: (t) => ({
    tag: t.exposeString('tag', { description: 'The tag as providers wrote it, lower-cased.' }),
    reason: t.field({ type: TagCandidateReasonEnum, description: 'Why it is listed.', resolve: (c) => c.reason }),
    entries: t.exposeInt('entries', { description: 'Artists plus albums whose raw tags carry it.' }),
    artists: t.exposeInt('artists', { description: 'Artists whose raw tags carry it.' }),
    albums: t.exposeInt('albums', { description: 'Albums whose raw tags carry it.' }),
    providers: t.exposeStringList('providers', { description: 'Providers that gave it.' }),
  }),
});

const CoverageRef = builder.objectRef<CoverageReport>('Coverage').implement({
  description: 'How complete the cache’s metadata is, and the raw tags the genre rules lose.',
  fields: (t) => ({
    artists: t.field({ type: EntityCoverageRef, description: 'Artist entries.', resolve: (c) => c.artists }),
    albums: t.field({ type: EntityCoverageRef, description: 'Album entries.', resolve: (c) => c.albums }),
    tracks: t.field({ type: EntityCoverageRef, description: 'Track entries.', resolve: (c) => c.tracks }),
    ambiguousArtists: t.exposeStringList('ambiguousArtists', {
      description: `Up to ${AMBIGUOUS_SAMPLE} of the artists MusicBrainz could not tell apart, by name.`,
    }),
    tagCandidates: t.field({
      type: [TagCandidateRef],
      description: 'Raw tags the genre rules drop or leave unmapped, carried by the most entries first.',
      resolve: (c) => c.tagCandidates,
    }),
  }),
});

builder.queryField('coverage', (t) =>
  t.field({
    type: CoverageRef,
    description:
      'How complete the metadata is: per table the share with genres, moods and audio features and by source, entries nobody knew or matched ambiguously, and the strongest raw tags the genre rules drop or do not map.',
    args: {
      tagLimit: t.arg.int({
        defaultValue: 20,
        description: `How many tag candidates to list, 0–${MAX_TAG_CANDIDATES} (default 20).`,
      }),
    },
    resolve: (_root, args, context) => {
      const tagLimit = args.tagLimit ?? 20;
      if (!Number.isInteger(tagLimit) || tagLimit < 0 || tagLimit > MAX_TAG_CANDIDATES) {
        const message = `must be between 0 and ${MAX_TAG_CANDIDATES} (got ${tagLimit})`;
        throw new InvalidInputError(`tagLimit ${message}`, [{ field: 'tagLimit', message }]);
      }
      return getCoverageReport(context.db.pool, context.genreSettings.rules, {
        tagLimit,
        ambiguousSample: AMBIGUOUS_SAMPLE,
      });
    },
  }),
);
