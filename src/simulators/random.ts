// Deterministic randomness keyed by (seed, kind, index), so any item of the synthetic library can be
// produced on its own, in any order, without generating the items before it.

/** FNV-1a over UTF-16 code units: stable across runs and platforms. */
function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Murmur3's finaliser: spreads every input bit over the output. */
function avalanche(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function combine(...parts: ReadonlyArray<number | string>): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    const value = typeof part === 'number' ? part >>> 0 : hashString(part);
    h = avalanche((h ^ value) + 0x9e3779b9 + ((h << 6) >>> 0) + (h >>> 2));
  }
  return h;
}

/** mulberry32: tiny, fast and good enough for test data. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Up to `count` distinct items, in random order. */
  sample<T>(items: readonly T[], count: number): T[] {
    const wanted = Math.min(Math.max(0, count), items.length);
    const out: T[] = [];
    if (wanted * 3 < items.length) {
      // Few from many (the hot path for tracks): rejection is cheaper than copying the list.
      const taken: number[] = [];
      while (out.length < wanted) {
        const index = Math.floor(this.next() * items.length);
        if (taken.includes(index)) continue;
        taken.push(index);
        out.push(items[index] as T);
      }
      return out;
    }
    const pool = [...items];
    while (out.length < wanted) {
      const index = Math.floor(this.next() * pool.length);
      out.push(pool[index] as T);
      pool.splice(index, 1);
    }
    return out;
  }

  /** 32 random bits as 8 hex digits. */
  hex8(): string {
    return hex8(Math.floor(this.next() * 4294967296));
  }

  weighted<T>(entries: ReadonlyArray<readonly [T, number]>): T {
    const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
    let roll = this.next() * total;
    for (const [value, weight] of entries) {
      roll -= weight;
      if (roll < 0) return value;
    }
    const last = entries[entries.length - 1];
    if (last === undefined) throw new Error('weighted pick from an empty list');
    return last[0];
  }
}

export function rngFor(...parts: ReadonlyArray<number | string>): Rng {
  return new Rng(combine(...parts));
}

export function seedNumber(seed: number | string): number {
  return typeof seed === 'number' ? combine(seed) : hashString(seed);
}

const HEX = '0123456789abcdef';

const BYTE_HEX = Array.from({ length: 256 }, (_, byte) => (HEX[byte >>> 4] ?? '0') + (HEX[byte & 15] ?? '0'));

/** An unsigned 32-bit value as exactly 8 hex digits (a table lookup: this runs for every generated track). */
function hex8(value: number): string {
  return (
    (BYTE_HEX[(value >>> 24) & 255] ?? '') +
    (BYTE_HEX[(value >>> 16) & 255] ?? '') +
    (BYTE_HEX[(value >>> 8) & 255] ?? '') +
    (BYTE_HEX[value & 255] ?? '')
  );
}

/**
 * A Plex-style guid body: 24 hex digits shaped like a MongoDB ObjectId (timestamp, per-library part, counter),
 * which is what Plex's `plex://…/5d07bdaf403c64029060f8c4` guids look like.
 */
export function objectId(timestampSeconds: number, machine: number, counter: number): string {
  return `${hex8(timestampSeconds)}${hex8(machine)}${hex8(counter)}`;
}
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function hexId(length: number, ...parts: ReadonlyArray<number | string>): string {
  const rng = rngFor(...parts);
  let out = '';
  while (out.length < length) out += rng.hex8();
  return out.slice(0, length);
}

export function base62Id(length: number, ...parts: ReadonlyArray<number | string>): string {
  const rng = rngFor(...parts);
  let out = '';
  for (let i = 0; i < length; i++) out += BASE62[rng.int(0, 61)];
  return out;
}

/** A version-4-shaped UUID, deterministic in its inputs (MusicBrainz ids, section uuids). */
export function uuidFor(...parts: ReadonlyArray<number | string>): string {
  const hex = hexId(32, ...parts);
  const variant = HEX[8 + (parseInt(hex[16] ?? '0', 16) % 4)] ?? '8';
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
