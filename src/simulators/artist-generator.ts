// One artist from (seed, index): its true genres and what Plex, Last.fm, MusicBrainz and Spotify know of it.
import { DAY_SECONDS, YEAR_SECONDS, type GeneratorContext } from './generator-context.ts';
import { buildLastfmTags } from './lastfm-tags.ts';
import type {
  ArtistProfile,
  LastfmArtistTruth,
  MusicBrainzArtistTruth,
  PlexArtistTruth,
  SpotifyArtistTruth,
  SyntheticArtist,
} from './library-types.ts';
import { autocorrectVariant } from './names.ts';
import { base62Id, objectId, rngFor, uuidFor, type Rng } from './random.ts';
import {
  COUNTRIES,
  GENRE_FAMILIES,
  GENRES,
  OTHER_TAGS,
  PLEX_MOODS,
  SPECIAL_ARTISTS,
  countryByCode,
  genreById,
  genresOfFamily,
} from './vocabulary.ts';

/** A fixed rotation, so a library of a dozen artists already exercises every branch of the cascade. */
const PROFILE_CYCLE: readonly ArtistProfile[] = [
  'full',
  'lastfm-only',
  'musicbrainz-by-id',
  'full',
  'plex-only',
  'lastfm-autocorrect',
  'full',
  'musicbrainz-by-search',
  'spotify-fallback',
  'full',
  'no-spotify',
  'nobody',
  'full',
  'lastfm-only',
  'full',
  'full',
];

interface Knowledge {
  plexGenres: boolean;
  lastfm: 'tags' | 'no-tags' | 'unknown' | 'autocorrect';
  musicbrainz: 'genres' | 'no-genres' | 'maybe-genres' | 'unknown';
  /** Probability that Plex carries the MusicBrainz id in its Guid array. */
  plexMbid: number;
  spotify: 'genres' | 'maybe-genres' | 'unknown';
}

const KNOWLEDGE: Record<ArtistProfile, Knowledge> = {
  special: { plexGenres: true, lastfm: 'tags', musicbrainz: 'genres', plexMbid: 1, spotify: 'genres' },
  full: { plexGenres: true, lastfm: 'tags', musicbrainz: 'maybe-genres', plexMbid: 0.8, spotify: 'maybe-genres' },
  'plex-only': { plexGenres: true, lastfm: 'unknown', musicbrainz: 'unknown', plexMbid: 0, spotify: 'unknown' },
  'lastfm-only': {
    plexGenres: false,
    lastfm: 'tags',
    musicbrainz: 'maybe-genres',
    plexMbid: 0.5,
    spotify: 'maybe-genres',
  },
  'lastfm-autocorrect': {
    plexGenres: false,
    lastfm: 'autocorrect',
    musicbrainz: 'maybe-genres',
    plexMbid: 0.5,
    spotify: 'maybe-genres',
  },
  'musicbrainz-by-id': {
    plexGenres: false,
    lastfm: 'unknown',
    musicbrainz: 'genres',
    plexMbid: 1,
    spotify: 'maybe-genres',
  },
  'musicbrainz-by-search': {
    plexGenres: false,
    lastfm: 'no-tags',
    musicbrainz: 'genres',
    plexMbid: 0,
    spotify: 'maybe-genres',
  },
  'spotify-fallback': {
    plexGenres: false,
    lastfm: 'no-tags',
    musicbrainz: 'no-genres',
    plexMbid: 0.5,
    spotify: 'genres',
  },
  'no-spotify': { plexGenres: true, lastfm: 'tags', musicbrainz: 'maybe-genres', plexMbid: 0.6, spotify: 'unknown' },
  nobody: { plexGenres: false, lastfm: 'unknown', musicbrainz: 'unknown', plexMbid: 0, spotify: 'unknown' },
};

function pickGenres(rng: Rng): string[] {
  const family = rng.pick(GENRE_FAMILIES);
  const members = genresOfFamily(family);
  const broad = members.filter((definition) => definition.plexKind === 'genre');
  const specific = members.filter((definition) => definition.plexKind === 'style');
  const chosen = [rng.pick(broad).id, ...rng.sample(specific, rng.int(1, 3)).map((definition) => definition.id)];
  if (rng.chance(0.15)) {
    const outsider = rng.pick(
      GENRES.filter((definition) => definition.family !== family && definition.plexKind === 'genre'),
    );
    chosen.push(outsider.id);
  }
  // A primary genre that is a style is common on Last.fm ("shoegaze" on top, "rock" further down).
  if (rng.chance(0.4) && chosen.length > 1) {
    const [first, second, ...rest] = chosen;
    if (first !== undefined && second !== undefined) return [second, first, ...rest];
  }
  return chosen;
}

function corrections(canonical: string, plexName: string): string[] {
  const out = new Set<string>([autocorrectVariant(canonical)]);
  const stripped = canonical.normalize('NFKD').replace(/\p{M}/gu, '').normalize('NFC');
  if (stripped !== canonical) out.add(stripped);
  if (plexName !== canonical) out.add(plexName);
  out.delete(canonical);
  return [...out];
}

function plexTruth(
  rng: Rng,
  context: GeneratorContext,
  index: number,
  genres: readonly string[],
  knowledge: Knowledge,
  mbid: string | undefined,
  country: string,
): PlexArtistTruth {
  const addedAt = context.epochSeconds - rng.int(30 * DAY_SECONDS, 8 * YEAR_SECONDS);
  const definitions = genres.map(genreById);
  const truth: PlexArtistTruth = {
    guid: `plex://artist/${objectId(addedAt, context.guidMachine, index)}`,
    genres: knowledge.plexGenres ? definitions.filter((d) => d.plexKind === 'genre').map((d) => d.plex) : [],
    styles: knowledge.plexGenres ? definitions.filter((d) => d.plexKind === 'style').map((d) => d.plex) : [],
    moods: knowledge.plexGenres ? rng.sample(PLEX_MOODS, rng.int(0, 8)) : [],
    countries: knowledge.plexGenres ? [countryByCode(country).plex] : [],
    summary: knowledge.plexGenres ? `A synthetic artist (${genres.join(', ')}), generated for tests.` : '',
    addedAt,
    updatedAt: addedAt + rng.int(0, 30 * DAY_SECONDS),
  };
  if (mbid !== undefined) truth.mbid = mbid;
  return truth;
}

function lastfmTruth(
  rng: Rng,
  name: string,
  genres: readonly string[],
  knowledge: Knowledge,
  mbid: string | undefined,
): LastfmArtistTruth | null {
  if (knowledge.lastfm === 'unknown') return null;
  const canonical = knowledge.lastfm === 'autocorrect' ? autocorrectVariant(name) : name;
  const truth: LastfmArtistTruth = {
    name: canonical,
    corrections: corrections(canonical, name),
    listeners: rng.int(50, 3_000_000),
    playcount: 0,
    tags: knowledge.lastfm === 'no-tags' ? [] : buildLastfmTags(rng, genres, { ownName: canonical }),
  };
  truth.playcount = truth.listeners * rng.int(3, 40);
  if (mbid !== undefined && rng.chance(0.7)) truth.mbid = mbid;
  return truth;
}

function musicbrainzTruth(
  rng: Rng,
  context: GeneratorContext,
  index: number,
  name: string,
  genres: readonly string[],
  knowledge: Knowledge,
  country: string,
): MusicBrainzArtistTruth | null {
  if (knowledge.musicbrainz === 'unknown') return null;
  const hasGenres = knowledge.musicbrainz === 'genres' || (knowledge.musicbrainz === 'maybe-genres' && rng.chance(0.6));
  const mbGenres = hasGenres
    ? genres.map((id, position) => {
        const definition = genreById(id);
        return {
          id: uuidFor('musicbrainz-genre', definition.musicbrainz),
          name: definition.musicbrainz,
          count: Math.max(1, position === 0 ? rng.int(5, 20) : rng.int(1, 8)),
        };
      })
    : [];
  const generated = context.names[index];
  return {
    id: uuidFor(context.seed, 'musicbrainz-artist', index),
    name,
    sortName: generated?.sortName ?? name,
    type: generated?.type ?? 'Group',
    country,
    disambiguation: rng.chance(0.1)
      ? `${country} ${genres[0] ?? 'music'} ${generated?.type === 'Person' ? 'artist' : 'band'}`
      : '',
    beginYear: rng.int(1955, 2022),
    genres: mbGenres,
    tags: [
      ...mbGenres.map((genre) => ({ name: genre.name, count: genre.count })),
      ...rng.sample(OTHER_TAGS, rng.int(0, 2)).map((tag) => ({ name: tag, count: rng.int(1, 4) })),
    ],
  };
}

function spotifyTruth(
  rng: Rng,
  context: GeneratorContext,
  index: number,
  name: string,
  genres: readonly string[],
  knowledge: Knowledge,
): SpotifyArtistTruth | null {
  if (knowledge.spotify === 'unknown') return null;
  const classified = knowledge.spotify === 'genres' || rng.chance(0.85);
  return {
    id: base62Id(22, context.seed, 'spotify-artist', index),
    name,
    genres: classified ? genres.map((id) => genreById(id).spotify) : [],
    popularity: rng.int(0, 100),
    followers: rng.int(0, 5_000_000),
  };
}

function profileOf(context: GeneratorContext, index: number): ArtistProfile {
  if (index < context.specialCount) return 'special';
  const position = (index - context.specialCount + context.profileOffset) % PROFILE_CYCLE.length;
  return PROFILE_CYCLE[position] ?? 'full';
}

export function generateArtist(context: GeneratorContext, index: number): SyntheticArtist {
  const rng = rngFor(context.seed, 'artist', index);
  const profile = profileOf(context, index);
  const knowledge = KNOWLEDGE[profile];
  const special = index < context.specialCount ? SPECIAL_ARTISTS[index] : undefined;
  const generated = context.names[index];
  if (generated === undefined) throw new RangeError(`no artist ${index}`);
  const genres = special !== undefined ? [...special.genres] : pickGenres(rng);
  const country = special?.country ?? rng.pick(COUNTRIES).code;
  const musicbrainz = musicbrainzTruth(rng, context, index, generated.name, genres, knowledge, country);
  const mbid = musicbrainz !== null && rng.chance(knowledge.plexMbid) ? musicbrainz.id : undefined;
  const sortName = generated.name.startsWith('The ') ? generated.name.slice(4) : generated.name;
  // An artist nobody knows has no genres to find: the truth is then "none", not the genres it was drawn with.
  const known = profile !== 'nobody';
  return {
    index,
    ratingKey: context.artistKey(index),
    name: generated.name,
    sortName,
    type: generated.type,
    special: special !== undefined,
    profile,
    country,
    genres: known ? genres : [],
    plex: plexTruth(rng, context, index, genres, knowledge, mbid, country),
    lastfm: lastfmTruth(rng, generated.name, genres, knowledge, musicbrainz?.id),
    musicbrainz,
    spotify: spotifyTruth(rng, context, index, generated.name, genres, knowledge),
    firstAlbum: context.firstAlbumOf(index),
    albumCount: context.albumCountOf(index),
  };
}
