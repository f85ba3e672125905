// Filter inputs of the artists, albums and tracks listings. Every field is optional; given fields combine with AND.
import { GraphQLError } from 'graphql';
import type { AlbumFilter } from '../../cache/storage/album-cache.ts';
import type { EntryFilter } from '../../cache/storage/entry-filter.ts';
import type { TrackFilter } from '../../cache/storage/track-cache.ts';
import { builder } from '../builder.ts';
import { EntrySourceFilterEnum, EntryStatusEnum, UsageTierEnum } from './enums.ts';

const MAX_DAYS = 3650;

export const ArtistFilterInput = builder.inputType('ArtistFilter', {
  description: 'Which artists a listing answers; every given field must hold.',
  fields: (t) => ({
    search: t.string({
      description: 'Part of the name; case, accents and punctuation do not matter (`bjork` finds `Björk`).',
    }),
    genre: t.string({ description: 'Entries with this genre (case-insensitive).' }),
    source: t.field({
      type: EntrySourceFilterEnum,
      description: 'Entries this provider contributed to; NONE: entries nobody knew.',
    }),
    tier: t.field({ type: UsageTierEnum, description: 'Entries of this usage tier (by last API read).' }),
    expiringWithinDays: t.int({ description: `Fresh entries expiring within this many days (0–${MAX_DAYS}).` }),
    expired: t.boolean({ description: 'true: only expired entries; false: only fresh ones.' }),
    status: t.field({ type: EntryStatusEnum, description: 'Entries of this status.' }),
  }),
});

export const AlbumFilterInput = builder.inputType('AlbumFilter', {
  description: 'Which albums a listing answers; every given field must hold.',
  fields: (t) => ({
    search: t.string({
      description: 'Part of the title or the artist’s name; case, accents and punctuation do not matter.',
    }),
    artist: t.string({ description: 'Albums of this artist (the name as normalised: `bjork` is `Björk`).' }),
    genre: t.string({ description: 'Entries with this genre (case-insensitive).' }),
    source: t.field({
      type: EntrySourceFilterEnum,
      description: 'Entries this source contributed to; NONE: entries nobody knew.',
    }),
    tier: t.field({ type: UsageTierEnum, description: 'Entries of this usage tier (by last API read).' }),
    expiringWithinDays: t.int({ description: `Fresh entries expiring within this many days (0–${MAX_DAYS}).` }),
    expired: t.boolean({ description: 'true: only expired entries; false: only fresh ones.' }),
    status: t.field({ type: EntryStatusEnum, description: 'Entries of this status.' }),
  }),
});

export const TrackFilterInput = builder.inputType('TrackFilter', {
  description: 'Which tracks a listing answers; every given field must hold.',
  fields: (t) => ({
    search: t.string({ description: 'Part of the title, artist or album.' }),
    artist: t.string({ description: 'Tracks of this artist (normalised name).' }),
    album: t.string({
      description: 'Tracks of albums with this title (normalised); combine with artist for one album.',
    }),
    genre: t.string({ description: 'Tracks with this Plex genre tag of their own (case-insensitive).' }),
    tier: t.field({ type: UsageTierEnum, description: 'Entries of this usage tier (by last API read).' }),
    expiringWithinDays: t.int({ description: `Static tier fresh but expiring within this many days (0–${MAX_DAYS}).` }),
    staticExpired: t.boolean({ description: 'true: static tier expired; false: fresh.' }),
    statsExpired: t.boolean({ description: 'true: statistics tier expired; false: fresh.' }),
    hasAudioFeatures: t.boolean({ description: 'true: only tracks AudioMuse has analysed; false: only the others.' }),
  }),
});

function checkDays(days: number | null | undefined): void {
  if (days !== null && days !== undefined && (days < 0 || days > MAX_DAYS)) {
    throw new GraphQLError(`filter.expiringWithinDays must be between 0 and ${MAX_DAYS} (got ${days})`, {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
}

export function entryFilterOf(input: EntryFilter | null | undefined): EntryFilter {
  checkDays(input?.expiringWithinDays);
  return input ?? {};
}

export function albumFilterOf(input: AlbumFilter | null | undefined): AlbumFilter {
  checkDays(input?.expiringWithinDays);
  return input ?? {};
}

export function trackFilterOf(input: TrackFilter | null | undefined): TrackFilter {
  checkDays(input?.expiringWithinDays);
  return input ?? {};
}
