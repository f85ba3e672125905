// The user's corrections to one cached entry: pin its genres, lift the pin, block a tag for it, unblock
// it. Each stores the override and re-merges the entry at once from its stored raw tags (no provider
// request), so the answer already shows the effect; later refreshes and re-merges apply the same row.
import type pg from 'pg';
import type { EntryOverrides } from '../../../enrichment/entry-overrides.ts';
import { canonicalGenreKey } from '../../../enrichment/genre-rules.ts';
import { remergeAlbum, remergeArtist } from '../../../enrichment/remerge.ts';
import type { EnrichmentSettings } from '../../../enrichment/settings.ts';
import { storedRawTags } from '../../storage/raw-tags.ts';
import { type AlbumEntry, rewriteAlbumMerge } from '../../storage/album-cache.ts';
import { type ArtistEntry, rewriteArtistMerge } from '../../storage/artist-cache.ts';
import { saveOverride } from '../../storage/entry-overrides.ts';
import { CorrectionError, type CorrectionTarget, type EntryNames, findCorrectionTarget } from './entry-target.ts';

export interface CorrectionDependencies {
  pool: pg.Pool;
  /** The genre rules and limits every merge uses. */
  settings: EnrichmentSettings;
}

/** The corrected entry as now stored. */
export type CorrectedEntry = { kind: 'artist'; entry: ArtistEntry } | { kind: 'album'; entry: AlbumEntry };

// Bounds that no honest correction reaches, so a runaway client cannot grow one row without limit.
const MAX_PINNED_GENRES = 50;
const MAX_BLOCKED_TAGS = 200;
const MAX_TAG_LENGTH = 200;

function tidy(tag: string): string {
  return tag.replace(/\s+/gu, ' ').trim();
}

/** A tag as the user typed it, tidied, with the key it matches; refused when it is empty or too long. */
function checkedTag(tag: string, field: string, settings: EnrichmentSettings): { spelling: string; key: string } {
  const spelling = tidy(tag);
  if (spelling.length > MAX_TAG_LENGTH)
    throw new CorrectionError('invalid-input', field, `${field}: at most ${MAX_TAG_LENGTH} characters`);
  const key = canonicalGenreKey(spelling, settings.rules);
  if (key === '') throw new CorrectionError('invalid-input', field, `${field}: the tag has no letters or digits`);
  return { spelling, key };
}

async function applyOverrides(
  deps: CorrectionDependencies,
  target: CorrectionTarget,
  overrides: EntryOverrides,
): Promise<CorrectedEntry> {
  await saveOverride(deps.pool, target.key, overrides);
  const { settings } = deps;
  if (target.kind === 'artist') {
    const { entry } = target;
    const merged = remergeArtist(entry.name, storedRawTags(entry.rawTags), settings, entry.fetchedAt, overrides);
    const stored = await rewriteArtistMerge(deps.pool, entry.nameKey, merged);
    return { kind: 'artist', entry: stored ?? entry };
  }
  const { entry } = target;
  const rawTags = storedRawTags(entry.rawTags);
  const merged = remergeAlbum(entry.artistName, entry.title, rawTags, settings, entry.fetchedAt, overrides);
  const stored = await rewriteAlbumMerge(deps.pool, target.albumKey, merged);
  return { kind: 'album', entry: stored ?? entry };
}

/** Pins the entry's genres to exactly this list (in this order; an empty list: no genres). */
export async function pinGenres(
  deps: CorrectionDependencies,
  names: EntryNames,
  genres: readonly string[],
): Promise<CorrectedEntry> {
  if (genres.length > MAX_PINNED_GENRES)
    throw new CorrectionError('invalid-input', 'genres', `genres: at most ${MAX_PINNED_GENRES}`);
  const pinned = genres.map((genre, index) => checkedTag(genre, `genres.${index}`, deps.settings).spelling);
  const target = await findCorrectionTarget(deps.pool, names);
  return applyOverrides(deps, target, { pinnedGenres: pinned, blockedTags: target.override?.blockedTags ?? [] });
}

/** Lets the providers decide the entry's genres again; an entry without a pin is answered as it is. */
export async function unpinGenres(deps: CorrectionDependencies, names: EntryNames): Promise<CorrectedEntry> {
  const target = await findCorrectionTarget(deps.pool, names);
  return applyOverrides(deps, target, { pinnedGenres: null, blockedTags: target.override?.blockedTags ?? [] });
}

/** Drops a tag, in every spelling that shares its key, from this entry only. Blocking it twice changes nothing. */
export async function blockTag(deps: CorrectionDependencies, names: EntryNames, tag: string): Promise<CorrectedEntry> {
  const { spelling, key } = checkedTag(tag, 'tag', deps.settings);
  const target = await findCorrectionTarget(deps.pool, names);
  const blocked = target.override?.blockedTags ?? [];
  const already = blocked.some((existing) => canonicalGenreKey(existing, deps.settings.rules) === key);
  if (!already && blocked.length >= MAX_BLOCKED_TAGS)
    throw new CorrectionError('invalid-input', 'tag', `tag: at most ${MAX_BLOCKED_TAGS} blocked tags per entry`);
  return applyOverrides(deps, target, {
    pinnedGenres: target.override?.pinnedGenres ?? null,
    blockedTags: already ? blocked : [...blocked, spelling],
  });
}

/** Lets a blocked tag count for the entry again; a tag that is not blocked is refused, so a typo is noticed. */
export async function unblockTag(
  deps: CorrectionDependencies,
  names: EntryNames,
  tag: string,
): Promise<CorrectedEntry> {
  const { key } = checkedTag(tag, 'tag', deps.settings);
  const target = await findCorrectionTarget(deps.pool, names);
  const blocked = target.override?.blockedTags ?? [];
  const kept = blocked.filter((existing) => canonicalGenreKey(existing, deps.settings.rules) !== key);
  if (kept.length === blocked.length) {
    const list = blocked.length === 0 ? 'none' : blocked.join(', ');
    throw new CorrectionError(
      'invalid-input',
      'tag',
      `tag: ${JSON.stringify(tidy(tag))} is not blocked here (blocked: ${list})`,
    );
  }
  return applyOverrides(deps, target, { pinnedGenres: target.override?.pinnedGenres ?? null, blockedTags: kept });
}
