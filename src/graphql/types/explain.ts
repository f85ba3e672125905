// Why an artist or album has the genres and moods it has, and the user's overrides on it. `explain` re-runs
// the merge over the entry's stored raw tags with its overrides (src/enrichment/remerge.ts): the merge
// records what it does as it does it, so the explanation is the record of the same pass that gave the
// stored genres (as long as the genre rules have not changed since).
import { storedRawTags } from '../../cache/storage/raw-tags.ts';
import type { EntryOverrides } from '../../enrichment/entry-overrides.ts';
import { explainAlbum, explainArtist } from '../../enrichment/remerge.ts';
import type { ExplainedKind, TagContribution, TagExplanation, TagRule } from '../../enrichment/tag-explanation.ts';
import type { TagFacet } from '../../enrichment/genre-merge.ts';
import { builder } from '../builder.ts';
import { AlbumRef, ArtistRef } from './entry-refs.ts';
import { EntrySourceEnum } from './enums.ts';

// A Record over TagRule: a rule added to the merge does not compile until it is described here.
const TAG_RULES: Record<TagRule, { name: string; description: string }> = {
  alias: { name: 'ALIAS', description: 'The raw tag is a spelling of a canonical genre (the alias table).' },
  'mood-list': { name: 'MOOD_LIST', description: 'A free-form tag on the mood list, counted as a mood.' },
  facet: {
    name: 'FACET',
    description: 'A free-form tag naming an era, place, instrument, label or release type: routed to that facet.',
  },
  'below-min-weight': {
    name: 'BELOW_MIN_WEIGHT',
    description: 'Under the provider’s weight threshold (LASTFM_MIN_TAG_WEIGHT; MusicBrainz: under one vote).',
  },
  blocklist: { name: 'BLOCKLIST', description: 'On the blocklist (the shipped one or GENRE_BLOCKLIST).' },
  'not-allowed': { name: 'NOT_ALLOWED', description: 'Allow-list mode is on and the rules do not know this genre.' },
  'blocked-by-override': { name: 'BLOCKED_BY_OVERRIDE', description: 'Blocked for this entry by the user (blockTag).' },
  'own-name': { name: 'OWN_NAME', description: 'The artist’s or album’s own name, which is not a genre.' },
  'over-limit': { name: 'OVER_LIMIT', description: 'Counted, but ranked under the MAX_GENRES strongest.' },
  pinned: { name: 'PINNED', description: 'In the genre list the user pinned for this entry (pinGenres).' },
  'replaced-by-pin': {
    name: 'REPLACED_BY_PIN',
    description: 'Merged from the providers, but the entry’s genres are pinned to a list without it.',
  },
};

const TagRuleEnum = builder.enumType('TagRule', {
  description: 'A rule that shaped a tag on its way into (or out of) an entry’s genres and moods.',
  values: Object.fromEntries(
    Object.entries(TAG_RULES).map(([value, { name, description }]) => [name, { value: value as TagRule, description }]),
  ),
});

// A Record over ExplainedKind, for the same reason as TAG_RULES.
const EXPLAINED_KINDS: Record<ExplainedKind, { name: string; description: string }> = {
  genre: { name: 'GENRE', description: 'A genre (styles count as genres too).' },
  mood: { name: 'MOOD', description: 'A mood.' },
  era: { name: 'ERA', description: 'An era (facets.eras).' },
  place: { name: 'PLACE', description: 'A country or city (facets.places).' },
  instrument: { name: 'INSTRUMENT', description: 'An instrument (facets.instruments).' },
  label: { name: 'LABEL', description: 'A record label (facets.labels).' },
  releaseType: { name: 'RELEASE_TYPE', description: 'A release type (facets.releaseTypes).' },
};

const ExplainedKindEnum = builder.enumType('ExplainedKind', {
  description: 'What an explained tag is to the entry: a genre, a mood, or one of the facets.',
  values: Object.fromEntries(
    Object.entries(EXPLAINED_KINDS).map(([value, { name, description }]) => [
      name,
      { value: value as ExplainedKind, description },
    ]),
  ),
});

const TagFacetEnum = builder.enumType('TagFacet', {
  description: 'Which of a provider’s lists a raw tag came from.',
  values: {
    GENRE: { value: 'genre' satisfies TagFacet, description: 'Its genre (or top-tag) list.' },
    STYLE: { value: 'style' satisfies TagFacet, description: 'Plex’s Style tags.' },
    MOOD: { value: 'mood' satisfies TagFacet, description: 'Plex’s Mood tags.' },
  } as const,
});

const TagContributionRef = builder.objectRef<TagContribution<string>>('TagContribution').implement({
  description: 'One provider’s raw tag behind an explained genre or mood.',
  fields: (t) => ({
    provider: t.field({
      type: EntrySourceEnum,
      description: 'The provider that gave the tag (albums: ARTIST for the artist’s cached genres).',
      // The merge's sources are exactly the EntrySource values (plex, lastfm, musicbrainz, spotify, artist).
      resolve: (contribution) => contribution.source as typeof EntrySourceEnum.$inferType,
    }),
    rawTag: t.exposeString('rawTag', { description: 'The tag as the provider wrote it (whitespace tidied).' }),
    weight: t.exposeFloat('weight', {
      nullable: true,
      description: 'The provider’s own weight (Last.fm 0–100, MusicBrainz votes); null for unweighted lists.',
    }),
    facet: t.field({ type: TagFacetEnum, description: 'Which list of the provider.', resolve: (c) => c.facet }),
    counted: t.exposeBoolean('counted', { description: 'Whether it counted towards the tag’s score.' }),
    strength: t.exposeFloat('strength', {
      description: 'What it added to the score: its weight over the list’s top weight, or 1; 0 when not counted.',
    }),
    rules: t.field({
      type: [TagRuleEnum],
      description: 'The rules applied to this raw tag (why it did not count, or how it was respelled).',
      resolve: (contribution) => contribution.rules,
    }),
  }),
});

const TagExplanationRef = builder.objectRef<TagExplanation<string>>('TagExplanation').implement({
  description:
    'Why an entry has (or lacks) one genre or mood: the providers’ raw tags behind it and the rules that shaped it.',
  fields: (t) => ({
    genre: t.exposeString('name', {
      description:
        'The genre (or mood or facet value, see kind) as the entry shows it, or would show it had it been kept.',
    }),
    kind: t.field({ type: ExplainedKindEnum, description: 'Genre or mood.', resolve: (item) => item.kind }),
    kept: t.exposeBoolean('kept', { description: 'Whether the entry lists it (in genres, moods or its facet).' }),
    score: t.exposeFloat('score', { description: 'The sum of its counted contributions’ strengths.' }),
    contributions: t.field({
      type: [TagContributionRef],
      description: 'Each provider’s raw tag behind it, in the merge’s order; empty for a pinned genre nobody gave.',
      resolve: (item) => item.contributions,
    }),
    rules: t.field({
      type: [TagRuleEnum],
      description: 'Every rule that shaped it, each once: its contributions’ and its own (limit, pin).',
      resolve: (item) => item.rules,
    }),
  }),
});

const EntryOverridesRef = builder.objectRef<EntryOverrides>('EntryOverrides').implement({
  description: 'The user’s corrections to one entry, applied by every refresh and re-merge.',
  fields: (t) => ({
    pinnedGenres: t.stringList({
      nullable: true,
      description: 'The pinned genre list (pinGenres); null when the providers decide.',
      resolve: (overrides) => (overrides.pinnedGenres === null ? null : [...overrides.pinnedGenres]),
    }),
    blockedTags: t.stringList({
      description: 'Tags blocked for this entry only (blockTag), as they were typed.',
      resolve: (overrides) => [...overrides.blockedTags],
    }),
  }),
});

const NO_OVERRIDES: EntryOverrides = { pinnedGenres: null, blockedTags: [] };

const EXPLAIN_DESCRIPTION =
  'Why the entry has its genres and moods: every tag the providers gave, kept ones first (genres in the entry’s order, then moods), then those dropped, with the rules that dropped them.';

builder.prismaObjectFields(ArtistRef, (t) => ({
  explain: t.field({
    type: [TagExplanationRef],
    description: EXPLAIN_DESCRIPTION,
    resolve: async (artist, _args, context) => {
      const overrides = await context.overrideReads.artist(artist.nameKey);
      return explainArtist(artist.name, storedRawTags(artist.rawTags), context.genreSettings, overrides);
    },
  }),
  overrides: t.field({
    type: EntryOverridesRef,
    description: 'The user’s pins and blocks on this artist.',
    resolve: async (artist, _args, context) => (await context.overrideReads.artist(artist.nameKey)) ?? NO_OVERRIDES,
  }),
}));

builder.prismaObjectFields(AlbumRef, (t) => ({
  explain: t.field({
    type: [TagExplanationRef],
    description: EXPLAIN_DESCRIPTION,
    resolve: async (album, _args, context) => {
      const overrides = await context.overrideReads.album(album);
      const rawTags = storedRawTags(album.rawTags);
      return explainAlbum(album.artistName, album.title, rawTags, context.genreSettings, overrides);
    },
  }),
  overrides: t.field({
    type: EntryOverridesRef,
    description: 'The user’s pins and blocks on this album.',
    resolve: async (album, _args, context) => (await context.overrideReads.album(album)) ?? NO_OVERRIDES,
  }),
}));
