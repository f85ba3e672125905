// What artist and album entries share: the cached genres, where they came from, and freshness and usage.
import { entrySourcesOf, sourceText } from '../../cache/policy/entry-sources.ts';
import { isExpired } from '../../cache/policy/freshness.ts';
import { classifyTier } from '../../cache/policy/tiers.ts';
import type { ArtistEntry } from '../../cache/storage/artist-cache.ts';
import { redact } from '../../providers/errors.ts';
import { builder } from '../builder.ts';
import { EntrySourceEnum, EntryStatusEnum, UsageTierEnum } from './enums.ts';

/** The columns artist_cache and album_cache share (the generated types of both have them alike). */
export type CacheEntryShape = Pick<
  ArtistEntry,
  | 'plexRatingKey'
  | 'musicbrainzId'
  | 'genres'
  | 'styles'
  | 'moods'
  | 'source'
  | 'status'
  | 'fetchedAt'
  | 'expiresAt'
  | 'lastUsedAt'
  | 'useCount'
  | 'lastError'
>;

/** The known sources of a contract text (`plex,lastfm`), as the API lists them. */
export const sourcesOf = entrySourcesOf;

export const CacheEntry = builder.interfaceRef<CacheEntryShape>('CacheEntry').implement({
  description:
    'A cached artist or album. Expired entries are still served, flagged isExpired, until a refresh replaces them.',
  // Fields answering the interface itself (the correction mutations) hand over rows of either table; only albums have a title key.
  resolveType: (entry) => ('titleKey' in entry ? 'Album' : 'Artist'),
  fields: (t) => ({
    genres: t.exposeStringList('genres', { description: 'Normalised genres, strongest first.' }),
    styles: t.exposeStringList('styles', { description: 'Plex Style tags, normalised.' }),
    moods: t.exposeStringList('moods', { description: 'Mood tags (Plex moods, Last.fm mood tags), normalised.' }),
    source: t.string({
      description:
        'Contributors comma-joined in the order plex,lastfm,musicbrainz,spotify (albums: then artist); `none` when nobody knew.',
      resolve: (entry) => sourceText(entry.source),
    }),
    sources: t.field({
      type: [EntrySourceEnum],
      description: '`source` as a list; empty for `none`.',
      resolve: (entry) => entrySourcesOf(sourceText(entry.source)),
    }),
    status: t.field({
      type: EntryStatusEnum,
      description: 'How complete the entry is; only OK and EMPTY entries get full lifetimes.',
      resolve: (entry) => entry.status,
    }),
    musicbrainzId: t.exposeString('musicbrainzId', { nullable: true, description: 'MusicBrainz id, when known.' }),
    plexRatingKey: t.exposeString('plexRatingKey', {
      nullable: true,
      description: 'Plex ratingKey, when the entry came from the library.',
    }),
    fetchedAt: t.expose('fetchedAt', { type: 'DateTime', description: 'When the entry was last fetched.' }),
    expiresAt: t.expose('expiresAt', {
      type: 'DateTime',
      description: 'The TTL with jitter; a refresh replaces the entry before or after.',
    }),
    isExpired: t.boolean({
      description: 'Whether expiresAt has passed (the entry is still served).',
      resolve: (entry, _args, context) => isExpired(entry.expiresAt, context.now),
    }),
    lastUsedAt: t.expose('lastUsedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'Last API read (written at most hourly).',
    }),
    useCount: t.exposeInt('useCount', { description: 'API reads recorded so far.' }),
    tier: t.field({
      type: UsageTierEnum,
      description: 'The usage tier by lastUsedAt: hot and warm entries are refreshed before they expire.',
      resolve: (entry, _args, context) => classifyTier(entry.lastUsedAt, context.now, context.config.refresh),
    }),
    lastError: t.string({
      nullable: true,
      description: 'Why the last fetch was incomplete (PARTIAL or ERROR status).',
      resolve: (entry) => (entry.lastError === null ? null : redact(entry.lastError)),
    }),
  }),
});
