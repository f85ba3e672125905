// What every item generator needs to know about the library it belongs to.
import type { GeneratedName } from './names.ts';

export interface GeneratorContext {
  seed: number;
  /** The library's "now", epoch seconds: all timestamps are before it. */
  epochSeconds: number;
  specialCount: number;
  /** Rotates the profile cycle per seed, so different seeds start at different profiles. */
  profileOffset: number;
  /** The middle part of this library's Plex guids. */
  guidMachine: number;
  names: readonly GeneratedName[];
  artistKey(index: number): string;
  albumKey(index: number): string;
  trackKey(index: number): string;
  firstAlbumOf(artistIndex: number): number;
  albumCountOf(artistIndex: number): number;
  firstTrackOf(albumIndex: number): number;
  trackCountOf(albumIndex: number): number;
}

export const DAY_SECONDS = 86_400;
export const YEAR_SECONDS = 365 * DAY_SECONDS;
