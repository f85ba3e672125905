// Last.fm top-tag lists as they look in the wild: the genres in several spellings, junk, and a long weak tail.
import type { LastfmTag } from './library-types.ts';
import type { Rng } from './random.ts';
import { GENRES, JUNK_TAGS, OTHER_TAGS, genreById } from './vocabulary.ts';

interface TagListOptions {
  /** The artist's own name, which fans tag artists with. */
  ownName?: string;
  /** Extra junk typical of the entity (album tags carry `albums I own`, a year…). */
  extraJunk?: readonly string[];
  extraOther?: readonly string[];
}

function pushUnique(tags: LastfmTag[], tag: LastfmTag): void {
  if (!tags.some((existing) => existing.name === tag.name)) tags.push(tag);
}

/** Counts are relative to the top tag, so the primary genre is always exactly 100 and everything else below. */
export function buildLastfmTags(rng: Rng, genres: readonly string[], options: TagListOptions = {}): LastfmTag[] {
  const tags: LastfmTag[] = [];
  let ceiling = 92;
  genres.forEach((id, position) => {
    const definition = genreById(id);
    const count = position === 0 ? 100 : rng.int(Math.max(15, ceiling - 30), ceiling);
    ceiling = Math.max(16, count - 1);
    pushUnique(tags, { name: rng.pick(definition.lastfm), count, kind: 'genre', genre: id });
  });
  const primary = genres[0];
  if (primary !== undefined && rng.chance(0.35)) {
    const definition = genreById(primary);
    const other = definition.lastfm.filter((spelling) => !tags.some((tag) => tag.name === spelling));
    if (other.length > 0)
      pushUnique(tags, { name: rng.pick(other), count: rng.int(20, 70), kind: 'genre', genre: primary });
  }
  if (rng.chance(0.6)) pushUnique(tags, { name: 'seen live', count: rng.int(10, 60), kind: 'junk' });
  const junkPool = options.extraJunk === undefined ? JUNK_TAGS : [...JUNK_TAGS, ...options.extraJunk];
  for (const junk of rng.sample(junkPool, rng.int(0, 2))) {
    pushUnique(tags, { name: junk, count: rng.int(4, 40), kind: 'junk' });
  }
  if (options.ownName !== undefined && rng.chance(0.35)) {
    pushUnique(tags, { name: options.ownName, count: rng.int(5, 30), kind: 'junk' });
  }
  const otherPool = options.extraOther === undefined ? OTHER_TAGS : [...OTHER_TAGS, ...options.extraOther];
  for (const other of rng.sample(otherPool, rng.int(0, 3))) {
    pushUnique(tags, { name: other, count: rng.int(10, 50), kind: 'other' });
  }
  // Stray genres the artist does not have: drawn from all genres, skipping the artist's own.
  for (const stray of rng.sample(GENRES, rng.int(1, 5))) {
    if (genres.includes(stray.id)) continue;
    pushUnique(tags, { name: rng.pick(stray.lastfm), count: rng.int(0, 9), kind: 'noise', genre: stray.id });
  }
  return tags.sort((a, b) => b.count - a.count);
}
