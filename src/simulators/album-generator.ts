// One album from (seed, index) and its artist.
import { DAY_SECONDS, type GeneratorContext } from './generator-context.ts';
import { buildLastfmTags } from './lastfm-tags.ts';
import type { SyntheticAlbum, SyntheticArtist } from './library-types.ts';
import { generateAlbumTitle } from './names.ts';
import { objectId, rngFor, uuidFor } from './random.ts';
import { PLEX_MOODS, genreById } from './vocabulary.ts';

const LABELS = [
  'Sub Pop',
  'Warp',
  'Matador',
  '4AD',
  'XL Recordings',
  'Domino',
  'Rough Trade',
  'Ninja Tune',
  'Merge',
  'Drag City',
];

/** Titles are unique per artist (case-insensitively), as Plex groups albums by artist and title. */
export function albumTitlesOf(context: GeneratorContext, artistIndex: number): string[] {
  const titles: string[] = [];
  const seen = new Set<string>();
  const count = context.albumCountOf(artistIndex);
  for (let ordinal = 0; ordinal < count; ordinal++) {
    const rng = rngFor(context.seed, 'album-title', artistIndex, ordinal);
    let title = generateAlbumTitle(rng);
    // Generated titles are plain ASCII, so lower-casing is all the case-folding needed.
    for (let attempt = 0; seen.has(title.toLowerCase()); attempt++) {
      title = attempt < 5 ? generateAlbumTitle(rng) : `${generateAlbumTitle(rng)} ${ordinal + 1}`;
    }
    seen.add(title.toLowerCase());
    titles.push(title);
  }
  return titles;
}

export function generateAlbum(
  context: GeneratorContext,
  index: number,
  artist: SyntheticArtist,
  titles: readonly string[],
): SyntheticAlbum {
  const rng = rngFor(context.seed, 'album', index);
  const ordinal = index - artist.firstAlbum;
  const baseTitle = titles[ordinal];
  if (baseTitle === undefined) throw new RangeError(`album ${index} is not one of ${artist.name}'s`);
  // Plex often carries an edition in the title where Last.fm has the plain album: the lookup by Plex title then misses.
  const edition = rng.chance(0.06) ? rng.pick([' (Deluxe Edition)', ' (Remastered)', ' [Expanded]']) : '';
  const title = `${baseTitle}${edition}`;
  const startYear = 1960 + rngFor(context.seed, 'career', artist.index).int(0, 60);
  const year = Math.min(2026, startYear + ordinal * rng.int(1, 4));
  const [primary, ...others] = artist.genres;
  const genres = primary === undefined ? [] : [primary, ...rng.sample(others, rng.int(0, 2))];
  const definitions = genres.map(genreById);
  const plexTagged = rng.chance(artist.plex.genres.length > 0 ? 0.85 : 0.4);
  const addedAt = Math.min(context.epochSeconds - DAY_SECONDS, artist.plex.addedAt + rng.int(0, 400 * DAY_SECONDS));
  const album: SyntheticAlbum = {
    index,
    ratingKey: context.albumKey(index),
    title,
    artistIndex: artist.index,
    artistRatingKey: artist.ratingKey,
    artistName: artist.name,
    year,
    originallyAvailableAt: `${year}-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`,
    studio: rng.pick(LABELS),
    genres,
    plex: {
      guid: `plex://album/${objectId(addedAt, context.guidMachine, index)}`,
      genres: plexTagged ? definitions.filter((d) => d.plexKind === 'genre').map((d) => d.plex) : [],
      styles: plexTagged ? definitions.filter((d) => d.plexKind === 'style').map((d) => d.plex) : [],
      moods: plexTagged ? rng.sample(PLEX_MOODS, rng.int(0, 5)) : [],
      addedAt,
      updatedAt: addedAt + rng.int(0, 10 * DAY_SECONDS),
    },
    lastfm: null,
    firstTrack: context.firstTrackOf(index),
    trackCount: context.trackCountOf(index),
  };
  if (artist.plex.mbid !== undefined && rng.chance(0.7)) {
    album.plex.mbid = uuidFor(context.seed, 'musicbrainz-release-group', index);
  }
  if (artist.lastfm !== null && genres.length > 0) {
    const roll = rng.next();
    if (roll < 0.6) {
      album.lastfm = {
        name: baseTitle,
        tags: buildLastfmTags(rng, genres, { extraJunk: ['albums I own', 'owned'], extraOther: [String(year)] }),
      };
    } else if (roll < 0.8) {
      album.lastfm = { name: baseTitle, tags: [] };
    }
  }
  return album;
}
