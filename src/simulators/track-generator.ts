// One track from (seed, index), its album and its artist: static data, play statistics and audio features.
import { DAY_SECONDS, YEAR_SECONDS, type GeneratorContext } from './generator-context.ts';
import type { AudioMuseTruth, SyntheticAlbum, SyntheticArtist, SyntheticTrack } from './library-types.ts';
import { generateTrackTitle } from './names.ts';
import { objectId, rngFor, uuidFor } from './random.ts';
import {
  AUDIOMUSE_MOOD_LABELS,
  AUDIOMUSE_OTHER_FEATURE_LABELS,
  MUSICAL_KEYS,
  PLEX_MOODS,
  genreById,
} from './vocabulary.ts';

const FORMATS = [
  { container: 'flac', codec: 'flac', bitrate: 950 },
  { container: 'mp3', codec: 'mp3', bitrate: 320 },
  { container: 'mp4', codec: 'aac', bitrate: 256 },
] as const;

/** A slash in a name ("AC/DC") cannot be part of a file or folder name. */
function safeFileName(name: string): string {
  return name.includes('/') ? name.replace(/\//g, '_') : name;
}

function round(value: number, places: number): number {
  const factor = 10 ** places;
  return Math.round(value * factor) / factor;
}

/** Kept apart from the track so that listing tracks does not pay for audio features nobody asked for. */
export function generateAudioFeatures(context: GeneratorContext, track: SyntheticTrack): AudioMuseTruth | null {
  const rng = rngFor(context.seed, 'audiomuse', track.index);
  const addedAt = track.addedAt;
  const epochSeconds = context.epochSeconds;
  if (!rng.chance(0.85)) return null;
  let score = rng.int(55, 95) / 100;
  const moods = rng.sample(AUDIOMUSE_MOOD_LABELS, 5).map((label): [string, number] => {
    const entry: [string, number] = [label, round(score, 3)];
    score = Math.max(0.05, score - rng.int(2, 15) / 100);
    return entry;
  });
  // All zero until CLAP has run, or with CLAP disabled (docs: "all 0.00 until CLAP has run").
  const clapRan = rng.chance(0.9);
  const otherFeatures = AUDIOMUSE_OTHER_FEATURE_LABELS.map((label): [string, number] => [
    label,
    clapRan ? round(rng.int(0, 60) / 100, 2) : 0,
  ]);
  return {
    tempo: round(rng.int(6000, 18000) / 100, 4),
    key: rng.pick(MUSICAL_KEYS),
    scale: rng.chance(0.6) ? 'major' : 'minor',
    energy: round(rng.int(32, 93) / 100 + rng.int(0, 99) / 10_000, 4),
    moods,
    otherFeatures,
    analysedAt: Math.min(epochSeconds - 3600, addedAt + rng.int(DAY_SECONDS, 60 * DAY_SECONDS)),
  };
}

export function generateTrack(
  context: GeneratorContext,
  index: number,
  album: SyntheticAlbum,
  artist: SyntheticArtist,
): SyntheticTrack {
  const rng = rngFor(context.seed, 'track', index);
  const ordinal = index - album.firstTrack;
  const twoDiscs = album.trackCount > 12;
  const half = Math.ceil(album.trackCount / 2);
  const discNumber = twoDiscs && ordinal >= half ? 2 : 1;
  const trackNumber = discNumber === 2 ? ordinal - half + 1 : ordinal + 1;
  const { title, featuring } = generateTrackTitle(rng);
  const durationMs = rng.int(90, 420) * 1000 + rng.int(0, 999);
  const format = rng.pick(FORMATS);
  const addedAt = album.plex.addedAt + rng.int(0, 3600);
  const played = rng.chance(0.55);
  const viewCount = played ? Math.max(1, Math.floor(1 / (1 - rng.next() * 0.995)) - 1 + rng.int(0, 3)) : 0;
  const skipCount = rng.chance(0.3) ? rng.int(1, 20) : 0;
  const rated = rng.chance(0.25);
  const fileName = `${trackNumber < 10 ? '0' : ''}${trackNumber} - ${safeFileName(title)}.${format.container}`;
  const folder = `/music/${safeFileName(artist.name)}/${safeFileName(album.title)} (${album.year})`;
  const track: SyntheticTrack = {
    index,
    ratingKey: context.trackKey(index),
    title,
    artistName: artist.name,
    artistIndex: artist.index,
    artistRatingKey: artist.ratingKey,
    albumIndex: album.index,
    albumRatingKey: album.ratingKey,
    albumTitle: album.title,
    trackNumber,
    discNumber,
    durationMs,
    year: album.year,
    viewCount,
    skipCount,
    addedAt,
    updatedAt: addedAt + rng.int(0, 30 * DAY_SECONDS),
    guid: `plex://track/${objectId(addedAt, context.guidMachine, index)}`,
    genres: rng.chance(0.03) && album.genres[0] !== undefined ? [genreById(album.genres[0]).plex] : [],
    // Plex's sonic analysis gives most tracks 5-10 moods; a track not analysed yet has none.
    moods: rng.chance(0.9) ? rng.sample(PLEX_MOODS, rng.int(5, 10)) : [],
    media: {
      container: format.container,
      codec: format.codec,
      bitrate: format.bitrate,
      file: `${folder}/${discNumber > 1 ? `CD${discNumber}/` : ''}${fileName}`,
      size: Math.round((format.bitrate * 1000 * durationMs) / 8000),
      partId: index + 1,
    },
  };
  if (featuring !== undefined) track.originalTitle = `${artist.name} feat. ${featuring}`;
  if (played) track.lastViewedAt = context.epochSeconds - rng.int(3600, YEAR_SECONDS);
  if (rated) {
    // Plex keeps 0-10; clients rate in whole stars (even numbers), some in half stars.
    track.userRating = rng.chance(0.85) ? rng.int(1, 5) * 2 : rng.int(0, 4) * 2 + 1;
    track.lastRatedAt = context.epochSeconds - rng.int(3600, 2 * YEAR_SECONDS);
  }
  if (album.plex.mbid !== undefined && rng.chance(0.6))
    track.mbid = uuidFor(context.seed, 'musicbrainz-recording', index);
  return track;
}
