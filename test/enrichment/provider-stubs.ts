// Stub provider fetchers for the merge-rule tables: each provider is described by what it does, and
// every call is recorded so a test can check who was asked.
import type { ArtistFetchers, SpotifyGenresAnswer } from '../../src/enrichment/enrich-artist.ts';
import type { PlexTagSet } from '../../src/enrichment/plex-tags.ts';
import { ProviderError } from '../../src/providers/errors.ts';
import type { ProviderErrorKind, ProviderName, WeightedTag } from '../../src/types.ts';

/** What a stub provider does when asked. Leave a provider out of the spec to mean "not configured". */
export type Behaviour<T> = { answer: T } | { fail: ProviderErrorKind; message?: string } | { throws: Error };

export function fail(
  kind: ProviderErrorKind,
  message = `${kind} in test`,
): { fail: ProviderErrorKind; message: string } {
  return { fail: kind, message };
}

export const notFound = { fail: 'not-found' } as const;

export function tags(...entries: Array<string | [string, number]>): WeightedTag[] {
  return entries.map((entry) => (typeof entry === 'string' ? { name: entry } : { name: entry[0], weight: entry[1] }));
}

export function plexTags(genres: string[] = [], styles: string[] = [], moods: string[] = []): PlexTagSet {
  return { genres, styles, moods };
}

export function stub<I, T>(provider: ProviderName, behaviour: Behaviour<T>, calls: string[]) {
  return async (_input: I, _signal?: AbortSignal): Promise<T> => {
    calls.push(provider);
    if ('answer' in behaviour) return behaviour.answer;
    if ('throws' in behaviour) throw behaviour.throws;
    throw new ProviderError({ provider, kind: behaviour.fail, message: behaviour.message ?? behaviour.fail });
  };
}

export interface ArtistSpec {
  plex?: Behaviour<PlexTagSet>;
  lastfm?: Behaviour<WeightedTag[]>;
  musicbrainz?: Behaviour<WeightedTag[]>;
  spotify?: Behaviour<SpotifyGenresAnswer>;
}

function mapAnswer<T, U>(behaviour: Behaviour<T>, wrap: (value: T) => U): Behaviour<U> {
  return 'answer' in behaviour ? { answer: wrap(behaviour.answer) } : behaviour;
}

export function artistFetchers(spec: ArtistSpec, calls: string[]): ArtistFetchers {
  const fetchers: ArtistFetchers = {};
  if (spec.plex) fetchers.plex = stub('plex', spec.plex, calls);
  if (spec.lastfm)
    fetchers.lastfm = stub(
      'lastfm',
      mapAnswer(spec.lastfm, (value) => ({ tags: value })),
      calls,
    );
  if (spec.musicbrainz)
    fetchers.musicbrainz = stub(
      'musicbrainz',
      mapAnswer(spec.musicbrainz, (value) => ({ genres: value })),
      calls,
    );
  if (spec.spotify) fetchers.spotify = stub('spotify', spec.spotify, calls);
  return fetchers;
}

export const fixedClock = (iso: string) => () => new Date(iso);
