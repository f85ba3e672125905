// Whether an AudioMuse row is about the Plex track we asked for. AudioMuse resolves a ratingKey against one
// of its media servers; asked about the wrong one (or after Plex renumbered its items), the same ratingKey
// names another song there, and storing that row would attach another song's features to this track.
import { normaliseName } from '../providers/names.ts';
import type { AudioMuseScore } from '../types.ts';

export interface PlexTrackIdentity {
  title: string;
  artistName: string;
}

export type MatchVerdict = 'match' | 'title-differs' | 'artist-differs';

/**
 * Titles must be the same name (case, accents and punctuation aside). AudioMuse stores a Plex track's artist
 * as its track artist (Plex originalTitle) when it has one, else the album artist, while linernotes keeps the
 * album artist; so the artists must be the same name, or one must contain the other ("Artist feat. Other").
 * A row without a title or artist cannot be checked and is refused.
 */
export function matchAudioMuseRow(score: AudioMuseScore, track: PlexTrackIdentity): MatchVerdict {
  if (score.title === undefined || normaliseName(score.title) !== normaliseName(track.title)) return 'title-differs';
  if (score.artist === undefined) return 'artist-differs';
  const theirs = normaliseName(score.artist);
  const ours = normaliseName(track.artistName);
  if (theirs === ours || theirs.includes(ours) || ours.includes(theirs)) return 'match';
  return 'artist-differs';
}
