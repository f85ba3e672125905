import { describe, expect, it } from 'vitest';
import { enrichAlbum, type AlbumFetchers, type AlbumIdentity } from '../../src/enrichment/enrich-album.ts';
import type { PlexTagSet } from '../../src/enrichment/plex-tags.ts';
import { defaultGenreRules } from '../../src/enrichment/genre-rules.ts';
import type { EnrichmentSettings } from '../../src/enrichment/settings.ts';
import type { EntryStatus, WeightedTag } from '../../src/types.ts';
import { fail, fixedClock, notFound, plexTags, stub, tags, type Behaviour } from './provider-stubs.ts';

const settings: EnrichmentSettings = { rules: defaultGenreRules, maxGenres: 10, lastfmMinTagWeight: 10 };
const clock = fixedClock('2026-11-26T12:00:00.000Z');
const album: AlbumIdentity = { artistName: 'Radiohead', title: 'OK Computer', plexRatingKey: '202' };

interface AlbumSpec {
  lastfm?: Behaviour<WeightedTag[]>;
  plex?: Behaviour<PlexTagSet>;
  artistGenres?: Behaviour<readonly string[] | undefined>;
}

function albumFetchers(spec: AlbumSpec, calls: string[]): AlbumFetchers {
  const fetchers: AlbumFetchers = {};
  if (spec.lastfm) {
    const behaviour = spec.lastfm;
    fetchers.lastfm = stub('lastfm', 'answer' in behaviour ? { answer: { tags: behaviour.answer } } : behaviour, calls);
  }
  if (spec.plex) fetchers.plex = stub('plex', spec.plex, calls);
  if (spec.artistGenres) {
    const behaviour = spec.artistGenres;
    fetchers.artistGenres = async (input, signal) => {
      calls.push('artist');
      return stub<AlbumIdentity, readonly string[] | undefined>('plex', behaviour, [])(input, signal);
    };
  }
  return fetchers;
}

interface Case {
  label: string;
  spec: AlbumSpec;
  asked: string[];
  source: string;
  status: EntryStatus;
  genres: string[];
}

const cases: Case[] = [
  {
    label: 'Last.fm and Plex album tags are merged; Last.fm first on a tie; source in contract order',
    spec: {
      lastfm: { answer: tags(['britpop', 100], ['alternative rock', 80], ['albums I own', 60], ['1997', 50]) },
      plex: { answer: plexTags(['Rock'], ['Alternative Rock']) },
      artistGenres: { answer: ['Art Rock'] },
    },
    asked: ['lastfm', 'plex'],
    source: 'plex,lastfm',
    status: 'ok',
    genres: ['Alternative Rock', 'Britpop', 'Rock'],
  },
  {
    label: 'Last.fm has nothing, Plex has genres → source plex, artist not consulted',
    spec: { lastfm: notFound, plex: { answer: plexTags(['Rock']) }, artistGenres: { answer: ['Art Rock'] } },
    asked: ['lastfm', 'plex'],
    source: 'plex',
    status: 'ok',
    genres: ['Rock'],
  },
  {
    label: 'both empty → the artist’s cached genres, with artist in source (the album fallback)',
    spec: {
      lastfm: { answer: tags(['seen live', 100], ['OK Computer', 90]) },
      plex: { answer: plexTags() },
      artistGenres: { answer: ['Art Rock', 'Alternative Rock'] },
    },
    asked: ['lastfm', 'plex', 'artist'],
    source: 'artist',
    status: 'ok',
    genres: ['Art Rock', 'Alternative Rock'],
  },
  {
    label: 'both empty and the artist has no entry → empty, source none',
    spec: { lastfm: notFound, plex: { answer: plexTags() }, artistGenres: { answer: undefined } },
    asked: ['lastfm', 'plex', 'artist'],
    source: 'none',
    status: 'empty',
    genres: [],
  },
  {
    label: 'album moods count as data, but genres still fall back to the artist',
    spec: {
      lastfm: notFound,
      plex: { answer: plexTags([], [], ['Cerebral']) },
      artistGenres: { answer: ['Art Rock'] },
    },
    asked: ['lastfm', 'plex', 'artist'],
    source: 'plex,artist',
    status: 'ok',
    genres: ['Art Rock'],
  },
  {
    label: 'the artist’s and the album’s own names are dropped from album tags',
    spec: { lastfm: { answer: tags(['radiohead', 100], ['ok computer', 90], ['art rock', 50]) } },
    asked: ['lastfm'],
    source: 'lastfm',
    status: 'ok',
    genres: ['Art Rock'],
  },
  {
    label: 'Last.fm throttled while Plex has genres → partial, no fallback',
    spec: {
      lastfm: fail('rate-limited'),
      plex: { answer: plexTags(['Rock']) },
      artistGenres: { answer: ['Art Rock'] },
    },
    asked: ['lastfm', 'plex'],
    source: 'plex',
    status: 'partial',
    genres: ['Rock'],
  },
  {
    label: 'Last.fm down, Plex empty → artist fallback, partial',
    spec: { lastfm: fail('unavailable'), plex: { answer: plexTags() }, artistGenres: { answer: ['Art Rock'] } },
    asked: ['lastfm', 'plex', 'artist'],
    source: 'artist',
    status: 'partial',
    genres: ['Art Rock'],
  },
  {
    label: 'the artist lookup itself failing leaves the album partial, never empty',
    spec: { lastfm: notFound, plex: { answer: plexTags() }, artistGenres: fail('unavailable') },
    asked: ['lastfm', 'plex', 'artist'],
    source: 'none',
    status: 'partial',
    genres: [],
  },
];

describe('enrichAlbum merge rules', () => {
  it.each(cases)('$label', async ({ spec, asked, source, status, genres }) => {
    const calls: string[] = [];
    const entry = await enrichAlbum(album, albumFetchers(spec, calls), settings, { clock });
    expect([...calls].sort()).toEqual([...asked].sort());
    expect(entry.source).toBe(source);
    expect(entry.status).toBe(status);
    expect(entry.genres).toEqual(genres);
  });

  it('never asks Spotify (or MusicBrainz) for an album, even when handed one', async () => {
    const calls: string[] = [];
    const withExtras = {
      ...albumFetchers({ lastfm: notFound, plex: { answer: plexTags() }, artistGenres: { answer: undefined } }, calls),
      spotify: async () => {
        calls.push('spotify');
        return { outcome: 'genres' as const, genres: ['rock'] };
      },
      musicbrainz: async () => {
        calls.push('musicbrainz');
        return { genres: [{ name: 'rock' }] };
      },
    };
    const entry = await enrichAlbum(album, withExtras, settings, { clock });
    expect(calls).not.toContain('spotify');
    expect(calls).not.toContain('musicbrainz');
    expect(entry.status).toBe('empty');
  });

  it('keeps the artist genres it used in raw tags, so the entry can be re-merged', async () => {
    const entry = await enrichAlbum(
      album,
      albumFetchers({ lastfm: notFound, plex: { answer: plexTags() }, artistGenres: { answer: ['Art Rock'] } }, []),
      settings,
      { clock },
    );
    expect(entry.rawTags.artist).toEqual({
      outcome: 'answered',
      at: '2026-11-26T12:00:00.000Z',
      genres: [{ name: 'Art Rock' }],
    });
    expect(Object.keys(entry.rawTags)).toEqual(['lastfm', 'plex', 'artist']);
  });
});
