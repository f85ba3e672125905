// Spotify's artist search as a client experiences it: case- and accent-insensitive,
// with near-miss artists ranked around the one asked for, and artist objects shaped by the app's quota mode.
import type { SpotifyArtistTruth } from './library-types.ts';
import type { SyntheticLibrary } from './library.ts';
import { foldKey, nearMissNames } from './names.ts';
import { base62Id, combine, rngFor } from './random.ts';
import { GENRES } from './vocabulary.ts';

export type SpotifyMode = 'development' | 'extended';
export type DevGenres = 'present' | 'empty' | 'absent';

export interface ArtistShape {
  mode: SpotifyMode;
  devGenres: DevGenres;
  apiUrl: string;
}

/** Reads the artist out of `q`: a field filter (`artist:"AC/DC"`), or the free text itself. */
function queryText(q: string): string {
  const field = /(?:^|\s)artist:(?:"([^"]*)"|(\S+))/i.exec(q);
  const raw = field !== null ? (field[1] ?? field[2] ?? '') : q.replace(/(?:^|\s)[a-z_]+:(?:"[^"]*"|\S+)/gi, ' ');
  return raw.replace(/"/g, ' ').trim();
}

function decoyTruth(seed: number, name: string): SpotifyArtistTruth {
  const rng = rngFor(seed, 'spotify-decoy', foldKey(name));
  return {
    id: base62Id(22, seed, 'spotify-decoy-id', foldKey(name)),
    name,
    genres: rng.chance(0.6) ? rng.sample(GENRES, rng.int(1, 3)).map((definition) => definition.spotify) : [],
    popularity: rng.int(0, 70),
    followers: rng.int(0, 400_000),
  };
}

/**
 * Artists every Spotify catalogue has, whatever the library: the client's capability probe searches one
 * of them, and an empty genre list for it means the app is given no genres (the genres as Spotify listed them).
 */
const WELL_KNOWN: readonly SpotifyArtistTruth[] = [
  {
    id: '4Z8W4fKeB5YxbusRsdQVPb',
    name: 'Radiohead',
    genres: ['alternative rock', 'art rock', 'melancholia', 'oxford indie', 'permanent wave', 'rock'],
    popularity: 79,
    followers: 11_000_000,
  },
];

export class SpotifyCatalogue {
  /** Decoys handed out in searches stay fetchable by id, as real artists would be. */
  private readonly decoys = new Map<string, SpotifyArtistTruth>();

  constructor(private readonly library: SyntheticLibrary) {}

  private known(name: string): SpotifyArtistTruth[] {
    const key = foldKey(name);
    const indexes = this.library.index().spotifyByFold.get(key) ?? [];
    const inLibrary = indexes.flatMap((index) => {
      const truth = this.library.artist(index).spotify;
      return truth === null ? [] : [truth];
    });
    return inLibrary.length > 0 ? inLibrary : WELL_KNOWN.filter((truth) => foldKey(truth.name) === key);
  }

  /** Every match for `q`, in Spotify's order: near misses around the artist, which is not always first. */
  search(q: string): SpotifyArtistTruth[] {
    const wanted = queryText(q);
    const key = foldKey(wanted);
    if (key === '') return [];
    const seed = this.library.seed;
    const exact = this.known(wanted);
    const decoys = nearMissNames(wanted, rngFor(seed, 'spotify-near-miss', key)).map((name) => {
      const real = this.known(name)[0];
      if (real !== undefined) return real;
      const decoy = decoyTruth(seed, name);
      this.decoys.set(decoy.id, decoy);
      return decoy;
    });
    // Short names drown in their near misses ("Low" comes after "Lowe" and "Flow"); others land anywhere in the top three.
    const letters = key.replace(/[^\p{L}\p{N}]/gu, '').length;
    const position = letters <= 4 ? 2 : combine(seed, 'spotify-rank', key) % 3;
    const results = [...decoys];
    results.splice(Math.min(position, results.length), 0, ...exact);
    return results;
  }

  byId(id: string): SpotifyArtistTruth | undefined {
    const index = this.library.index().spotifyById.get(id);
    if (index !== undefined) return this.library.artist(index).spotify ?? undefined;
    return this.decoys.get(id) ?? WELL_KNOWN.find((truth) => truth.id === id);
  }
}

/** An ArtistObject. Development-mode apps lose `followers` and `popularity` (Feb 2026) and maybe `genres`. */
export function artistObject(truth: SpotifyArtistTruth, shape: ArtistShape): Record<string, unknown> {
  const object: Record<string, unknown> = { external_urls: { spotify: `https://open.spotify.com/artist/${truth.id}` } };
  const development = shape.mode === 'development';
  if (!development) object['followers'] = { href: null, total: truth.followers };
  if (!development || shape.devGenres === 'present') object['genres'] = [...truth.genres];
  else if (shape.devGenres === 'empty') object['genres'] = [];
  object['href'] = `${shape.apiUrl}/artists/${truth.id}`;
  object['id'] = truth.id;
  object['images'] = [640, 320, 160].map((size) => ({
    url: `https://i.scdn.co/image/${base62Id(40, 'spotify-image', truth.id, size).toLowerCase()}`,
    height: size,
    width: size,
  }));
  object['name'] = truth.name;
  if (!development) object['popularity'] = truth.popularity;
  object['type'] = 'artist';
  object['uri'] = `spotify:artist:${truth.id}`;
  return object;
}
