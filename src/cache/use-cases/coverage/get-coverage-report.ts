// How complete the cache's metadata is: for artists, albums and tracks the share with genres, moods and
// audio features and what each source contributed; the entries nobody knew or MusicBrainz could not tell
// apart; and the raw tags the genre rules drop or leave unmapped, the candidates for a new alias or
// blocklist entry, strongest (carried by the most entries) first.
import { genreKey } from '../../../enrichment/text-keys.ts';
import {
  canonicalGenreKey,
  type GenreRules,
  isAllowedGenreKey,
  isBlockedGenreKey,
} from '../../../enrichment/genre-rules.ts';
import type { Queryable } from '../../../db/queryable.ts';
import {
  ambiguousArtistNames,
  countEntryCoverage,
  countRawGenreTags,
  countTrackCoverage,
  type RawTagCount,
} from '../../storage/coverage-counts.ts';

export interface CoverageShare {
  entries: number;
  /** entries / total, 0 when the table is empty. */
  share: number;
}

export interface EntityCoverage {
  total: number;
  withGenres: CoverageShare;
  withMoods: CoverageShare;
  withAudioFeatures: CoverageShare;
  nobodyKnew: CoverageShare;
  ambiguous: CoverageShare;
  bySource: Array<{ source: string } & CoverageShare>;
}

/** Why a raw tag is a candidate: the rules drop it, or keep it as written without knowing it. */
export type TagCandidateReason = 'blocked' | 'not-allowed' | 'unmapped';

export interface TagCandidate {
  tag: string;
  reason: TagCandidateReason;
  /** Artists plus albums carrying it. */
  entries: number;
  artists: number;
  albums: number;
  providers: string[];
}

export interface CoverageReport {
  artists: EntityCoverage;
  albums: EntityCoverage;
  tracks: EntityCoverage;
  /** Up to `ambiguousSample` artists MusicBrainz could not tell apart. */
  ambiguousArtists: string[];
  tagCandidates: TagCandidate[];
}

export const MAX_TAG_CANDIDATES = 200;

function share(entries: number, total: number): CoverageShare {
  return { entries, share: total === 0 ? 0 : entries / total };
}

/** Whether the rules drop this tag, leave it unmapped, or (null) know it as a genre or mood. */
function classifyRawTag(tag: string, rules: GenreRules): TagCandidateReason | null {
  const rawKey = genreKey(tag);
  if (rawKey === '') return null;
  const key = canonicalGenreKey(tag, rules);
  if (rules.moodKeys.has(rawKey) || rules.moodKeys.has(key)) return null;
  if (isBlockedGenreKey(rawKey, rules) || isBlockedGenreKey(key, rules)) return 'blocked';
  if (!isAllowedGenreKey(key, rules)) return 'not-allowed';
  if (rules.canonical.has(rawKey) || rules.ancestors.has(key)) return null;
  return 'unmapped';
}

function tagCandidates(
  artistTags: readonly RawTagCount[],
  albumTags: readonly RawTagCount[],
  rules: GenreRules,
  limit: number,
): TagCandidate[] {
  const byKey = new Map<string, TagCandidate & { providerSet: Set<string> }>();
  const add = (counts: readonly RawTagCount[], field: 'artists' | 'albums') => {
    for (const count of counts) {
      const reason = classifyRawTag(count.tag, rules);
      if (reason === null) continue;
      const key = genreKey(count.tag);
      let candidate = byKey.get(key);
      if (candidate === undefined) {
        candidate = {
          tag: count.tag,
          reason,
          entries: 0,
          artists: 0,
          albums: 0,
          providers: [],
          providerSet: new Set(),
        };
        byKey.set(key, candidate);
      }
      candidate[field] += count.entries;
      candidate.entries += count.entries;
      for (const provider of count.providers) candidate.providerSet.add(provider);
    }
  };
  add(artistTags, 'artists');
  add(albumTags, 'albums');
  return [...byKey.values()]
    .sort((a, b) => b.entries - a.entries || a.tag.localeCompare(b.tag))
    .slice(0, limit)
    .map(({ providerSet, ...candidate }) => ({ ...candidate, providers: [...providerSet].sort() }));
}

export async function getCoverageReport(
  db: Queryable,
  rules: GenreRules,
  options: { tagLimit: number; ambiguousSample: number },
): Promise<CoverageReport> {
  const [artists, albums, tracks, ambiguousArtists, artistTags, albumTags] = await Promise.all([
    countEntryCoverage(db, 'artist_cache'),
    countEntryCoverage(db, 'album_cache'),
    countTrackCoverage(db),
    ambiguousArtistNames(db, options.ambiguousSample),
    countRawGenreTags(db, 'artist_cache'),
    countRawGenreTags(db, 'album_cache'),
  ]);
  const entity = (counts: typeof artists): EntityCoverage => ({
    total: counts.total,
    withGenres: share(counts.withGenres, counts.total),
    withMoods: share(counts.withMoods, counts.total),
    withAudioFeatures: share(counts.withAudioFeatures, counts.total),
    nobodyKnew: share(counts.nobodyKnew, counts.total),
    ambiguous: share(counts.ambiguous, counts.total),
    bySource: counts.bySource.map((row) => ({ source: row.source, ...share(row.entries, counts.total) })),
  });
  // Tracks carry no source column: their genres and moods come from Plex, their audio features from AudioMuse.
  return {
    artists: entity(artists),
    albums: entity(albums),
    tracks: {
      total: tracks.total,
      withGenres: share(tracks.withGenres, tracks.total),
      withMoods: share(tracks.withMoods, tracks.total),
      withAudioFeatures: share(tracks.withAudioFeatures, tracks.total),
      nobodyKnew: share(tracks.nobodyKnew, tracks.total),
      ambiguous: share(0, tracks.total),
      bySource: [
        { source: 'plex', ...share(tracks.withTags, tracks.total) },
        { source: 'audiomuse', ...share(tracks.withAudioFeatures, tracks.total) },
      ].filter((row) => row.entries > 0),
    },
    ambiguousArtists,
    tagCandidates: tagCandidates(artistTags, albumTags, rules, Math.min(options.tagLimit, MAX_TAG_CANDIDATES)),
  };
}
