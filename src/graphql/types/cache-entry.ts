// What artist and album entries share: the cached genres, where they came from, and freshness and usage.
import { classifyTier } from '../../cache/policy/tiers.ts';
import { redact } from '../../providers/index.ts';
import type { EntryStatus } from '../../types.ts';
import { builder } from '../builder.ts';
import { EntrySourceEnum, EntryStatusEnum, UsageTierEnum } from './enums.ts';

export interface CacheEntryShape {
  plexRatingKey: string | null;
  musicbrainzId: string | null;
  genres: string[];
  styles: string[];
  moods: string[];
  source: string;
  status: EntryStatus;
  fetchedAt: Date;
  expiresAt: Date;
  lastUsedAt: Date | null;
  useCount: number;
  lastError: string | null;
}

type EntrySource = 'plex' | 'lastfm' | 'musicbrainz' | 'spotify' | 'artist';
const ENTRY_SOURCES: ReadonlySet<string> = new Set<EntrySource>(['plex', 'lastfm', 'musicbrainz', 'spotify', 'artist']);

/** The `source` column (`plex,lastfm`, or `none`) as a list. */
export function sourcesOf(source: string): EntrySource[] {
  return source.split(',').filter((name): name is EntrySource => ENTRY_SOURCES.has(name));
}

export const CacheEntry = builder.interfaceRef<CacheEntryShape>('CacheEntry').implement({
  description:
    'A cached artist or album. Expired entries are still served, flagged isExpired, until a refresh replaces them.',
  fields: (t) => ({
    genres: t.exposeStringList('genres', { description: 'Normalised genres, strongest first.' }),
    styles: t.exposeStringList('styles', { description: 'Plex Style tags, normalised.' }),
    moods: t.exposeStringList('moods'),
    source: t.exposeString('source', {
      description:
        'Contributors comma-joined in the order plex,lastfm,musicbrainz,spotify (albums: then artist); `none` when nobody knew.',
    }),
    sources: t.field({
      type: [EntrySourceEnum],
      description: '`source` as a list; empty for `none`.',
      resolve: (entry) => sourcesOf(entry.source),
    }),
    status: t.field({ type: EntryStatusEnum, resolve: (entry) => entry.status }),
    musicbrainzId: t.exposeString('musicbrainzId', { nullable: true, description: 'MusicBrainz id, when known.' }),
    plexRatingKey: t.exposeString('plexRatingKey', {
      nullable: true,
      description: 'Plex ratingKey, when the entry came from the library.',
    }),
    fetchedAt: t.expose('fetchedAt', { type: 'DateTime' }),
    expiresAt: t.expose('expiresAt', {
      type: 'DateTime',
      description: 'The TTL with jitter; a refresh replaces the entry before or after.',
    }),
    isExpired: t.boolean({ resolve: (entry, _args, context) => entry.expiresAt <= context.now }),
    lastUsedAt: t.expose('lastUsedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'Last API read (written at most hourly).',
    }),
    useCount: t.exposeInt('useCount', { description: 'API reads recorded so far.' }),
    tier: t.field({
      type: UsageTierEnum,
      resolve: (entry, _args, context) => classifyTier(entry.lastUsedAt, context.now, context.config.refresh),
    }),
    lastError: t.string({
      nullable: true,
      description: 'Why the last fetch was incomplete (PARTIAL or ERROR status).',
      resolve: (entry) => (entry.lastError === null ? null : redact(entry.lastError)),
    }),
  }),
});
