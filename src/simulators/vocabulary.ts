// The words the synthetic library is made of. Each genre carries the spellings every provider uses
// for it, so a test can check that linernotes folds `Hip-Hop`, `hip hop` and `hiphop` into one genre.

export type GenreFamily =
  | 'rock'
  | 'electronic'
  | 'hip hop'
  | 'pop'
  | 'metal'
  | 'folk'
  | 'jazz'
  | 'soul'
  | 'classical'
  | 'world';

export interface GenreDefinition {
  /** Canonical lower-case name: what a correct enrichment reports, the key of the "truth". */
  id: string;
  family: GenreFamily;
  /** Plex's spelling (its AllMusic-style vocabulary). */
  plex: string;
  /** Plex files broad genres under Genre and specific ones under Style. */
  plexKind: 'genre' | 'style';
  /** Spellings Last.fm users tag with: case, punctuation, `&`/`and` and contraction variants. */
  lastfm: readonly string[];
  /** MusicBrainz's curated genre name. */
  musicbrainz: string;
  spotify: string;
}

function genre(
  id: string,
  family: GenreFamily,
  plex: string,
  plexKind: 'genre' | 'style',
  lastfm: readonly string[],
  musicbrainz: string = id,
  spotify: string = id,
): GenreDefinition {
  return { id, family, plex, plexKind, lastfm, musicbrainz, spotify };
}

export const GENRES: readonly GenreDefinition[] = [
  genre('rock', 'rock', 'Rock', 'genre', ['rock', 'Rock']),
  genre('alternative rock', 'rock', 'Alternative Rock', 'style', [
    'alternative rock',
    'Alternative Rock',
    'alternative-rock',
  ]),
  genre('indie rock', 'rock', 'Indie Rock', 'style', ['indie rock', 'Indie Rock', 'indie-rock']),
  genre('post-punk', 'rock', 'Post-Punk', 'style', ['post-punk', 'post punk', 'Post-Punk', 'postpunk']),
  genre('shoegaze', 'rock', 'Shoegaze', 'style', ['shoegaze', 'Shoegaze']),
  genre('post-rock', 'rock', 'Post-Rock', 'style', ['post-rock', 'post rock', 'Post-Rock', 'postrock']),
  genre('hard rock', 'rock', 'Hard Rock', 'style', ['hard rock', 'Hard Rock', 'hard-rock']),
  genre('garage rock', 'rock', 'Garage Rock', 'style', ['garage rock', 'Garage Rock']),
  genre('psychedelic rock', 'rock', 'Psychedelic Rock', 'style', ['psychedelic rock', 'Psychedelic Rock']),
  genre('slowcore', 'rock', 'Slowcore', 'style', ['slowcore', 'Slowcore', 'slow-core']),

  genre('electronic', 'electronic', 'Electronic', 'genre', ['electronic', 'Electronic']),
  genre('house', 'electronic', 'House', 'style', ['house', 'House']),
  genre('techno', 'electronic', 'Techno', 'style', ['techno', 'Techno']),
  genre('drum and bass', 'electronic', 'Drum & Bass', 'style', [
    'drum and bass',
    'Drum and Bass',
    'Drum & Bass',
    'drum & bass',
    'drum n bass',
    'dnb',
    'DnB',
  ]),
  genre('dubstep', 'electronic', 'Dubstep', 'style', ['dubstep', 'Dubstep']),
  genre('ambient', 'electronic', 'Ambient', 'style', ['ambient', 'Ambient']),
  genre('idm', 'electronic', 'IDM', 'style', ['IDM', 'idm']),
  genre('trip hop', 'electronic', 'Trip-Hop', 'style', ['trip-hop', 'trip hop', 'Trip-Hop', 'triphop']),
  genre('downtempo', 'electronic', 'Downtempo', 'style', ['downtempo', 'Downtempo', 'down-tempo']),
  genre('dance', 'electronic', 'Dance', 'genre', ['dance', 'Dance']),
  genre('hip house', 'electronic', 'Hip-House', 'style', ['hip house', 'hip-house', 'Hip House']),

  genre('hip hop', 'hip hop', 'Hip-Hop', 'genre', ['Hip-Hop', 'hip hop', 'hiphop', 'Hip Hop', 'hip-hop']),
  genre('r&b', 'hip hop', 'R&B', 'genre', ['rnb', 'RnB', 'R&B', 'r&b', 'r and b'], 'rhythm & blues'),
  genre('trap', 'hip hop', 'Trap', 'style', ['trap', 'Trap']),
  genre('boom bap', 'hip hop', 'Boom Bap', 'style', ['boom bap', 'boom-bap', 'Boom Bap']),
  genre('jazz rap', 'hip hop', 'Jazz-Rap', 'style', ['jazz rap', 'jazz-rap', 'Jazz Rap']),

  genre('pop', 'pop', 'Pop', 'genre', ['pop', 'Pop']),
  genre(
    'synth-pop',
    'pop',
    'Synth Pop',
    'style',
    ['synthpop', 'synth pop', 'Synth-Pop', 'synth-pop'],
    'synth-pop',
    'synthpop',
  ),
  genre('dream pop', 'pop', 'Dream Pop', 'style', ['dream pop', 'dreampop', 'Dream Pop', 'dream-pop']),
  genre('electropop', 'pop', 'Electropop', 'style', ['electropop', 'electro pop', 'Electropop', 'electro-pop']),
  genre('k-pop', 'pop', 'K-Pop', 'style', ['k-pop', 'kpop', 'K-Pop', 'k pop']),
  genre('j-pop', 'pop', 'J-Pop', 'style', ['j-pop', 'jpop', 'J-Pop']),
  genre('new wave', 'pop', 'New Wave', 'style', ['new wave', 'New Wave', 'newwave']),
  genre('art pop', 'pop', 'Art Pop', 'style', ['art pop', 'art-pop', 'Art Pop']),

  genre('metal', 'metal', 'Metal', 'genre', ['metal', 'Metal']),
  genre('heavy metal', 'metal', 'Heavy Metal', 'style', ['heavy metal', 'Heavy Metal', 'heavy-metal']),
  genre('death metal', 'metal', 'Death Metal', 'style', ['death metal', 'Death Metal']),
  genre('black metal', 'metal', 'Black Metal', 'style', ['black metal', 'Black Metal']),
  genre('doom metal', 'metal', 'Doom Metal', 'style', ['doom metal', 'Doom Metal']),

  genre('folk', 'folk', 'Folk', 'genre', ['folk', 'Folk']),
  genre('folk rock', 'folk', 'Folk Rock', 'style', ['folk rock', 'Folk Rock', 'folk-rock']),
  genre('singer-songwriter', 'folk', 'Singer/Songwriter', 'style', [
    'singer-songwriter',
    'singer songwriter',
    'Singer-Songwriter',
    'singer/songwriter',
  ]),
  genre('americana', 'folk', 'Americana', 'style', ['americana', 'Americana']),
  genre('indie folk', 'folk', 'Indie Folk', 'style', ['indie folk', 'Indie Folk', 'indie-folk']),
  genre('country', 'folk', 'Country', 'genre', ['country', 'Country']),

  genre('jazz', 'jazz', 'Jazz', 'genre', ['jazz', 'Jazz']),
  genre('bebop', 'jazz', 'Bebop', 'style', ['bebop', 'Bebop', 'be-bop', 'be bop']),
  genre('jazz fusion', 'jazz', 'Fusion', 'style', ['jazz fusion', 'Jazz Fusion', 'jazz-fusion']),
  genre('blues', 'jazz', 'Blues', 'genre', ['blues', 'Blues']),

  genre('soul', 'soul', 'Soul', 'genre', ['soul', 'Soul']),
  genre('funk', 'soul', 'Funk', 'style', ['funk', 'Funk']),
  genre('neo soul', 'soul', 'Neo-Soul', 'style', ['neo-soul', 'neo soul', 'Neo-Soul', 'neosoul']),
  genre('disco', 'soul', 'Disco', 'style', ['disco', 'Disco']),

  genre('classical', 'classical', 'Classical', 'genre', ['classical', 'Classical']),
  genre('contemporary classical', 'classical', 'Modern Composition', 'style', [
    'contemporary classical',
    'Contemporary Classical',
    'contemporary-classical',
  ]),
  genre('soundtrack', 'classical', 'Soundtrack', 'genre', ['soundtrack', 'Soundtrack', 'soundtracks']),
  genre('minimalism', 'classical', 'Minimalism', 'style', ['minimalism', 'Minimalism']),

  genre('reggae', 'world', 'Reggae', 'genre', ['reggae', 'Reggae']),
  genre('latin', 'world', 'Latin', 'genre', ['latin', 'Latin']),
  genre('afrobeat', 'world', 'Afrobeat', 'style', ['afrobeat', 'Afrobeat', 'afro-beat']),
  genre('bossa nova', 'world', 'Bossa Nova', 'style', ['bossa nova', 'Bossa Nova', 'bossanova']),
  genre('laïko', 'world', 'Laïko', 'style', ['laïko', 'laiko', 'Laïko', 'Laiko']),
];

const GENRES_BY_ID = new Map(GENRES.map((definition) => [definition.id, definition]));

export function genreById(id: string): GenreDefinition {
  const definition = GENRES_BY_ID.get(id);
  if (definition === undefined) throw new Error(`unknown genre ${id}`);
  return definition;
}

export const GENRE_FAMILIES: readonly GenreFamily[] = [
  'rock',
  'electronic',
  'hip hop',
  'pop',
  'metal',
  'folk',
  'jazz',
  'soul',
  'classical',
  'world',
];

export function genresOfFamily(family: GenreFamily): GenreDefinition[] {
  return GENRES.filter((definition) => definition.family === family);
}

/** Every spelling that means a genre, lower-cased, mapped to its canonical id: the test oracle for dedupe. */
export const GENRE_VARIANTS: ReadonlyMap<string, string> = new Map(
  GENRES.flatMap((definition) =>
    [definition.id, definition.plex, definition.musicbrainz, definition.spotify, ...definition.lastfm].map(
      (spelling) => [spelling.toLowerCase(), definition.id] as const,
    ),
  ),
);

/** Plex moods (AllMusic's vocabulary). */
export const PLEX_MOODS: readonly string[] = [
  'Energetic',
  'Melancholy',
  'Brooding',
  'Aggressive',
  'Reflective',
  'Atmospheric',
  'Playful',
  'Romantic',
  'Intense',
  'Confident',
  'Cathartic',
  'Sophisticated',
  'Bittersweet',
  'Dreamy',
  'Hypnotic',
  'Rousing',
  'Wistful',
  'Ethereal',
  'Gritty',
  'Sensual',
  'Uplifting',
  'Nocturnal',
  'Passionate',
  'Earnest',
  'Lively',
  'Cerebral',
  'Rebellious',
  'Warm',
  'Tense/Anxious',
  'Yearning',
];

/** Last.fm tags that say nothing about the music (the artist's own name is added per artist). */
export const JUNK_TAGS: readonly string[] = [
  'seen live',
  'favorites',
  'favourites',
  'albums I own',
  'my favorite',
  'awesome',
  'love',
  'Favourite Artists',
  'check out',
  'spotify',
  'under 2000 listeners',
  'good',
];

/** Last.fm tags that describe something other than genre (era, place, voice). */
export const OTHER_TAGS: readonly string[] = [
  '60s',
  '70s',
  '80s',
  '90s',
  '00s',
  '10s',
  'british',
  'american',
  'german',
  'swedish',
  'japanese',
  'icelandic',
  'french',
  'canadian',
  'female vocalists',
  'male vocalists',
  'instrumental',
];

export interface CountryDefinition {
  code: string;
  plex: string;
}

export const COUNTRIES: readonly CountryDefinition[] = [
  { code: 'US', plex: 'United States of America' },
  { code: 'GB', plex: 'United Kingdom' },
  { code: 'DE', plex: 'Germany' },
  { code: 'SE', plex: 'Sweden' },
  { code: 'FR', plex: 'France' },
  { code: 'CA', plex: 'Canada' },
  { code: 'AU', plex: 'Australia' },
  { code: 'JP', plex: 'Japan' },
  { code: 'IS', plex: 'Iceland' },
  { code: 'GR', plex: 'Greece' },
  { code: 'KR', plex: 'South Korea' },
  { code: 'RU', plex: 'Russia' },
  { code: 'BR', plex: 'Brazil' },
  { code: 'NG', plex: 'Nigeria' },
];

export function countryByCode(code: string): CountryDefinition {
  return COUNTRIES.find((country) => country.code === code) ?? { code, plex: code };
}

export interface SpecialArtistDefinition {
  name: string;
  sortName: string;
  genres: readonly string[];
  country: string;
  type: 'Person' | 'Group';
}

/** Names that break naive URL building, matching or encoding: always in the library unless turned off. */
export const SPECIAL_ARTISTS: readonly SpecialArtistDefinition[] = [
  { name: 'AC/DC', sortName: 'AC/DC', genres: ['hard rock', 'rock', 'heavy metal'], country: 'AU', type: 'Group' },
  {
    name: "Guns N' Roses",
    sortName: "Guns N' Roses",
    genres: ['hard rock', 'rock', 'heavy metal'],
    country: 'US',
    type: 'Group',
  },
  {
    name: 'Simon & Garfunkel',
    sortName: 'Simon & Garfunkel',
    genres: ['folk rock', 'folk', 'singer-songwriter'],
    country: 'US',
    type: 'Group',
  },
  { name: 'Björk', sortName: 'Björk', genres: ['electronic', 'art pop', 'trip hop'], country: 'IS', type: 'Person' },
  {
    name: 'Sigur Rós',
    sortName: 'Sigur Rós',
    genres: ['post-rock', 'ambient', 'dream pop'],
    country: 'IS',
    type: 'Group',
  },
  {
    name: '坂本龍一',
    sortName: 'Sakamoto, Ryuichi',
    genres: ['ambient', 'contemporary classical', 'electronic'],
    country: 'JP',
    type: 'Person',
  },
  {
    name: 'Μίκης Θεοδωράκης',
    sortName: 'Theodorakis, Mikis',
    genres: ['soundtrack', 'laïko', 'classical'],
    country: 'GR',
    type: 'Person',
  },
  {
    name: 'C+C Music Factory',
    sortName: 'C+C Music Factory',
    genres: ['dance', 'hip house', 'house'],
    country: 'US',
    type: 'Group',
  },
  { name: '#1 Dads', sortName: '#1 Dads', genres: ['indie folk', 'folk', 'indie rock'], country: 'AU', type: 'Group' },
  { name: 'Low', sortName: 'Low', genres: ['slowcore', 'indie rock', 'dream pop'], country: 'US', type: 'Group' },
];

export const SPECIAL_ARTIST_NAMES: readonly string[] = SPECIAL_ARTISTS.map((artist) => artist.name);

// ---- words for names and titles ----

export const ADJECTIVES: readonly string[] = [
  'Silver',
  'Velvet',
  'Electric',
  'Quiet',
  'Broken',
  'Golden',
  'Hollow',
  'Neon',
  'Paper',
  'Crystal',
  'Wild',
  'Lonely',
  'Burning',
  'Frozen',
  'Midnight',
  'Crimson',
  'Gentle',
  'Savage',
  'Lucky',
  'Hidden',
  'Wooden',
  'Static',
  'Distant',
  'Modern',
  'Sleeping',
  'Bright',
  'Last',
  'Little',
  'Young',
  'Black',
  'White',
  'Blue',
  'Red',
  'Northern',
  'Southern',
  'Secret',
  'Strange',
  'Sacred',
  'Pale',
  'Amber',
];

export const PLURAL_NOUNS: readonly string[] = [
  'Wolves',
  'Rivers',
  'Ghosts',
  'Mirrors',
  'Horses',
  'Lights',
  'Sparrows',
  'Engines',
  'Machines',
  'Gardens',
  'Satellites',
  'Oceans',
  'Kings',
  'Daughters',
  'Sons',
  'Pilots',
  'Owls',
  'Foxes',
  'Tigers',
  'Waves',
  'Shadows',
  'Saints',
  'Strangers',
  'Lovers',
  'Dreamers',
  'Bandits',
  'Arrows',
  'Cities',
  'Stars',
  'Clouds',
  'Birds',
  'Bones',
  'Flowers',
  'Islands',
  'Tapes',
  'Radios',
  'Parades',
  'Fountains',
  'Ravens',
  'Comets',
];

export const NOUNS: readonly string[] = [
  'Moon',
  'Echo',
  'Harbor',
  'Signal',
  'Ember',
  'Glass',
  'Canyon',
  'Orbit',
  'Prism',
  'Thunder',
  'Cascade',
  'Meridian',
  'Atlas',
  'Lantern',
  'Harvest',
  'Horizon',
  'Pulse',
  'Drift',
  'Mirage',
  'Summer',
  'Winter',
  'Heart',
  'Fire',
  'Rain',
  'Smoke',
  'Dust',
  'Garden',
  'Island',
  'River',
  'Mountain',
  'Night',
  'Morning',
  'Tide',
  'Static',
  'Wire',
  'Stone',
  'Silence',
  'Letter',
  'Window',
  'Shore',
];

export const FIRST_NAMES: readonly string[] = [
  'Anna',
  'Ben',
  'Clara',
  'David',
  'Elena',
  'Felix',
  'Grace',
  'Hugo',
  'Iris',
  'Jonas',
  'Kate',
  'Leo',
  'Maya',
  'Nina',
  'Oscar',
  'Paula',
  'Quinn',
  'Rosa',
  'Sam',
  'Tom',
  'Vera',
  'Will',
  'Yara',
  'Zoe',
  'José',
  'Zoë',
  'Renée',
  'Søren',
  'Björn',
  'Łukasz',
  'François',
  'Chloé',
  'Mårten',
  'Inés',
  'Jürgen',
  'Agnès',
  'Émile',
  'Håkon',
  'Siân',
  'Noémi',
];

export const LAST_NAMES: readonly string[] = [
  'Smith',
  'Novak',
  'Berg',
  'Keller',
  'Moreau',
  'Lindqvist',
  'Okafor',
  'Tanaka',
  'Rossi',
  'García',
  'Müller',
  'Nørgaard',
  'Ødegaard',
  'Dvořák',
  'Kowalski',
  'Şahin',
  'Çelik',
  'Åberg',
  'Brontë',
  'Sørensen',
  'Walsh',
  'Hughes',
  'Park',
  'Nguyen',
  'Kim',
  'Silva',
  'Costa',
  'Fischer',
  'Weber',
  'Hartmann',
];

export const JAPANESE_FAMILY_NAMES: readonly string[] = [
  '山田',
  '佐藤',
  '鈴木',
  '高橋',
  '中村',
  '小林',
  '加藤',
  '吉田',
];
export const JAPANESE_GIVEN_NAMES: readonly string[] = ['花子', '健', '優子', '翔', '美咲', '大輔', '由美', '拓也'];
export const KOREAN_FAMILY_NAMES: readonly string[] = ['김', '이', '박', '최', '정'];
export const KOREAN_GIVEN_NAMES: readonly string[] = ['민준', '서연', '지훈', '하은', '도윤'];
export const CYRILLIC_SYLLABLES: readonly string[] = ['Ка', 'ми', 'ро', 'на', 'ти', 'ле', 'во', 'зо', 'ра', 'ль'];
export const GREEK_FIRST_NAMES: readonly string[] = ['Νίκος', 'Μαρία', 'Γιώργος', 'Ελένη', 'Δημήτρης', 'Σοφία'];
export const GREEK_LAST_NAMES: readonly string[] = ['Παπαδόπουλος', 'Αλεξίου', 'Καραγιάννης', 'Μητροπάνος', 'Νικολάου'];

export const VERBS_ING: readonly string[] = [
  'Falling',
  'Running',
  'Waiting',
  'Dancing',
  'Drowning',
  'Burning',
  'Dreaming',
  'Leaving',
  'Holding',
  'Breaking',
];

export const ROMAN_NUMERALS: readonly string[] = ['II', 'III', 'IV', 'V', 'VI'];

/** AudioMuse's MusiCNN labels (config.py MOOD_LABELS), spelled as it stores them. */
export const AUDIOMUSE_MOOD_LABELS: readonly string[] = [
  'rock',
  'pop',
  'alternative',
  'indie',
  'electronic',
  'female vocalists',
  'dance',
  '00s',
  'alternative rock',
  'jazz',
  'beautiful',
  'metal',
  'chillout',
  'male vocalists',
  'classic rock',
  'soul',
  'indie rock',
  'Mellow',
  'electronica',
  '80s',
  'folk',
  '90s',
  'chill',
  'instrumental',
  'punk',
  'oldies',
  'blues',
  'hard rock',
  'ambient',
  'acoustic',
  'experimental',
  'female vocalist',
  'guitar',
  'Hip-Hop',
  '70s',
  'party',
  'country',
  'easy listening',
  'sexy',
  'catchy',
  'funk',
  'electro',
  'heavy metal',
  'Progressive rock',
  '60s',
  'rnb',
  'indie pop',
  'sad',
  'House',
  'happy',
];

/** AudioMuse's CLAP labels (config.py OTHER_FEATURE_LABELS), in their fixed order. */
export const AUDIOMUSE_OTHER_FEATURE_LABELS: readonly string[] = [
  'danceable',
  'aggressive',
  'happy',
  'party',
  'relaxed',
  'sad',
];

/** AudioMuse's key names: sharps only. */
export const MUSICAL_KEYS: readonly string[] = ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'];
