import { describe, expect, it } from 'vitest';
import {
  needsRecheck,
  type CurrentIdentity,
  type RecheckReason,
  type StoredIdentity,
} from '../../src/enrichment/recheck.ts';

const now = new Date('2026-11-26T12:00:00.000Z');
const later = new Date('2026-12-20T00:00:00.000Z');
const stored = (overrides: Partial<StoredIdentity> = {}): StoredIdentity => ({
  status: 'empty',
  name: 'Obscure Band',
  musicbrainzId: null,
  expiresAt: later,
  ...overrides,
});
const mbid = '0383dadf-2a4e-4d10-a46a-e9e041da8eb3';

describe('needsRecheck', () => {
  it.each<[string, StoredIdentity, CurrentIdentity, RecheckReason | null]>([
    ['a fresh negative entry with the same identity is served', stored(), { name: 'Obscure Band' }, null],
    ['a negative entry whose artist was renamed in Plex', stored(), { name: 'Obscure Band (UK)' }, 'renamed'],
    ['a case or accent change is not a rename', stored({ name: 'Bjork' }), { name: 'Björk' }, null],
    ['a MusicBrainz id appears', stored(), { name: 'Obscure Band', musicbrainzId: mbid }, 'musicbrainz-id'],
    [
      'a different MusicBrainz id',
      stored({ musicbrainzId: mbid }),
      { name: 'Obscure Band', musicbrainzId: '11111111-2a4e-4d10-a46a-e9e041da8eb3' },
      'musicbrainz-id',
    ],
    ['the same MusicBrainz id', stored({ musicbrainzId: mbid }), { name: 'Obscure Band', musicbrainzId: mbid }, null],
    ['Plex now has genres for a negative entry', stored(), { name: 'Obscure Band', plexGenres: ['Rock'] }, 'plex-tags'],
    [
      'an ok entry is not re-checked because an id appears',
      stored({ status: 'ok' }),
      { name: 'Obscure Band', musicbrainzId: mbid, plexGenres: ['Rock'] },
      null,
    ],
    [
      'but a renamed ok entry is (a new name is a new artist to every provider)',
      stored({ status: 'ok' }),
      { name: 'Other Band' },
      'renamed',
    ],
    ['an expired entry', stored({ status: 'ok', expiresAt: now }), { name: 'Obscure Band' }, 'expired'],
    ['a name that normalises to nothing never matches', stored({ name: '   ' }), { name: '   ' }, 'renamed'],
  ])('%s', (_label, entry, current, reason) => {
    expect(needsRecheck(entry, current, now)).toBe(reason);
  });
});
