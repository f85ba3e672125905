import { describe, expect, it } from 'vitest';
import { enrichArtist, type ArtistEnrichmentInput } from '../../src/enrichment/enrich-artist.ts';
import { defaultGenreRules } from '../../src/enrichment/genre-rules.ts';
import type { EnrichmentSettings } from '../../src/enrichment/settings.ts';
import type { EntryStatus } from '../../src/types.ts';
import { artistFetchers, fail, fixedClock, notFound, plexTags, tags, type ArtistSpec } from './provider-stubs.ts';

const settings: EnrichmentSettings = { rules: defaultGenreRules, maxGenres: 10, lastfmMinTagWeight: 10 };
const clock = fixedClock('2026-11-26T12:00:00.000Z');
const artist: ArtistEnrichmentInput = { name: 'Radiohead', plexRatingKey: '101' };

interface Case {
  label: string;
  spec: ArtistSpec;
  asked: string[];
  source: string;
  status: EntryStatus;
  genres: string[];
  moods?: string[];
}

const cases: Case[] = [
  {
    label: 'Plex and Last.fm both have genres: merged, nobody else asked',
    spec: {
      plex: { answer: plexTags(['Rock'], ['Alternative Rock'], ['Brooding']) },
      lastfm: { answer: tags(['alternative rock', 100], ['electronic', 60], ['seen live', 50]) },
      musicbrainz: { answer: tags('rock') },
      spotify: { answer: { outcome: 'genres', genres: ['rock'] } },
    },
    asked: ['plex', 'lastfm'],
    source: 'plex,lastfm',
    status: 'ok',
    genres: ['Alternative Rock', 'Rock', 'Electronic'],
    moods: ['Brooding'],
  },
  {
    label: 'Last.fm is asked even when Plex has genres; Last.fm unknown → source plex',
    spec: { plex: { answer: plexTags(['Jazz']) }, lastfm: notFound, musicbrainz: { answer: tags('jazz') } },
    asked: ['plex', 'lastfm'],
    source: 'plex',
    status: 'ok',
    genres: ['Jazz'],
  },
  {
    label: 'Plex has nothing, Last.fm has genres → source lastfm, no fallback',
    spec: {
      plex: { answer: plexTags() },
      lastfm: { answer: tags(['trip-hop', 100]) },
      musicbrainz: { answer: tags('x') },
    },
    asked: ['plex', 'lastfm'],
    source: 'lastfm',
    status: 'ok',
    genres: ['Trip-Hop'],
  },
  {
    label: 'Plex and Last.fm give no genres (only junk) → MusicBrainz; Spotify not asked when it has some',
    spec: {
      plex: { answer: plexTags() },
      lastfm: { answer: tags(['seen live', 100], ['radiohead', 80]) },
      musicbrainz: { answer: tags(['art rock', 5], ['experimental', 2], ['rock', 0]) },
      spotify: { answer: { outcome: 'genres', genres: ['art rock'] } },
    },
    asked: ['plex', 'lastfm', 'musicbrainz'],
    source: 'musicbrainz',
    status: 'ok',
    genres: ['Art Rock', 'Experimental'],
  },
  {
    label: 'MusicBrainz gives none either → Spotify',
    spec: {
      plex: { answer: plexTags() },
      lastfm: notFound,
      musicbrainz: { answer: [] },
      spotify: { answer: { outcome: 'genres', genres: ['modern rock', 'permanent wave'] } },
    },
    asked: ['plex', 'lastfm', 'musicbrainz', 'spotify'],
    source: 'spotify',
    status: 'ok',
    genres: ['Modern Rock', 'Permanent Wave'],
  },
  {
    label: 'moods alone do not stop the fallback; source lists every contributor in contract order',
    spec: {
      plex: { answer: plexTags([], [], ['Gritty']) },
      lastfm: { answer: tags(['melancholic', 100]) },
      musicbrainz: notFound,
      spotify: { answer: { outcome: 'genres', genres: ['grunge'] } },
    },
    asked: ['plex', 'lastfm', 'musicbrainz', 'spotify'],
    source: 'plex,lastfm,spotify',
    status: 'ok',
    genres: ['Grunge'],
    moods: ['Gritty', 'Melancholic'],
  },
  {
    label: 'nobody knows the artist → empty, source none (the negative cache)',
    spec: {
      plex: { answer: plexTags() },
      lastfm: notFound,
      musicbrainz: notFound,
      spotify: { answer: { outcome: 'genres', genres: [] } },
    },
    asked: ['plex', 'lastfm', 'musicbrainz', 'spotify'],
    source: 'none',
    status: 'empty',
    genres: [],
  },
  {
    label: 'Spotify cannot say (no genres field) is not "no genres", but it does not make the entry partial either',
    spec: {
      plex: { answer: plexTags() },
      lastfm: notFound,
      musicbrainz: notFound,
      spotify: { answer: { outcome: 'cannot-say', reason: 'genres-field-missing' } },
    },
    asked: ['plex', 'lastfm', 'musicbrainz', 'spotify'],
    source: 'none',
    status: 'empty',
    genres: [],
  },
  {
    label: 'providers that are not configured are skipped and do not make the entry partial',
    spec: { plex: { answer: plexTags() }, lastfm: notFound },
    asked: ['plex', 'lastfm'],
    source: 'none',
    status: 'empty',
    genres: [],
  },
  {
    label: 'a provider that reports not-configured by throwing is skipped too',
    spec: { plex: { answer: plexTags(['Rock']) }, lastfm: fail('not-configured') },
    asked: ['plex', 'lastfm'],
    source: 'plex',
    status: 'ok',
    genres: ['Rock'],
  },
  {
    label: 'MusicBrainz not configured → straight to Spotify',
    spec: {
      plex: { answer: plexTags() },
      lastfm: notFound,
      spotify: { answer: { outcome: 'genres', genres: ['shoegaze'] } },
    },
    asked: ['plex', 'lastfm', 'spotify'],
    source: 'spotify',
    status: 'ok',
    genres: ['Shoegaze'],
  },
  {
    label: 'Last.fm throttled while Plex has genres → partial (never stored as not-found), no fallback',
    spec: { plex: { answer: plexTags(['Rock']) }, lastfm: fail('rate-limited'), musicbrainz: { answer: tags('rock') } },
    asked: ['plex', 'lastfm'],
    source: 'plex',
    status: 'partial',
    genres: ['Rock'],
  },
  {
    label: 'Last.fm down and Plex empty → the fallback still runs; partial',
    spec: {
      plex: { answer: plexTags() },
      lastfm: fail('unavailable'),
      musicbrainz: { answer: tags(['post-rock', 3]) },
    },
    asked: ['plex', 'lastfm', 'musicbrainz'],
    source: 'musicbrainz',
    status: 'partial',
    genres: ['Post-Rock'],
  },
  {
    label: 'a throttled fallback with nobody else knowing → partial, not empty',
    spec: {
      plex: { answer: plexTags() },
      lastfm: notFound,
      musicbrainz: fail('rate-limited'),
      spotify: { answer: { outcome: 'genres', genres: [] } },
    },
    asked: ['plex', 'lastfm', 'musicbrainz', 'spotify'],
    source: 'none',
    status: 'partial',
    genres: [],
  },
  {
    label: 'every provider asked failed → error',
    spec: {
      plex: fail('unavailable'),
      lastfm: fail('bad-response'),
      musicbrainz: fail('unavailable'),
      spotify: fail('unauthorised'),
    },
    asked: ['plex', 'lastfm', 'musicbrainz', 'spotify'],
    source: 'none',
    status: 'error',
    genres: [],
  },
  {
    label: 'an unexpected exception in a fetcher is a failure, not a crash',
    spec: {
      plex: { answer: plexTags(['Folk']) },
      lastfm: { throws: new TypeError('cannot read properties of undefined') },
    },
    asked: ['plex', 'lastfm'],
    source: 'plex',
    status: 'partial',
    genres: ['Folk'],
  },
];

describe('enrichArtist merge rules', () => {
  it.each(cases)('$label', async ({ spec, asked, source, status, genres, moods }) => {
    const calls: string[] = [];
    const entry = await enrichArtist(artist, artistFetchers(spec, calls), settings, { clock });
    expect([...calls].sort()).toEqual([...asked].sort());
    expect(entry.source).toBe(source);
    expect(entry.status).toBe(status);
    expect(entry.genres).toEqual(genres);
    if (moods) expect(entry.moods).toEqual(moods);
    expect(entry.fetchedAt.toISOString()).toBe('2026-11-26T12:00:00.000Z');
    expect(entry.lastError === null).toBe(status === 'ok' || status === 'empty');
  });

  it('keeps raw tags per provider, with the outcome of each call', async () => {
    const calls: string[] = [];
    const entry = await enrichArtist(
      artist,
      artistFetchers(
        {
          plex: { answer: plexTags([], [], ['Tense/Anxious']) },
          lastfm: fail('rate-limited', 'HTTP 429'),
          musicbrainz: notFound,
          spotify: { answer: { outcome: 'cannot-say', reason: 'genres-field-missing' } },
        },
        calls,
      ),
      settings,
      { clock },
    );
    expect(entry.rawTags).toEqual({
      plex: {
        outcome: 'answered',
        at: '2026-11-26T12:00:00.000Z',
        genres: [],
        styles: [],
        moods: [{ name: 'Tense/Anxious' }],
      },
      lastfm: {
        outcome: 'failed',
        at: '2026-11-26T12:00:00.000Z',
        error: { kind: 'rate-limited', message: 'lastfm: HTTP 429' },
      },
      musicbrainz: { outcome: 'not-found', at: '2026-11-26T12:00:00.000Z' },
      spotify: { outcome: 'cannot-say', at: '2026-11-26T12:00:00.000Z', reason: 'genres-field-missing' },
    });
    expect(entry.lastError).toBe('lastfm rate-limited: lastfm: HTTP 429');
    expect(JSON.parse(JSON.stringify(entry.rawTags))).toEqual(entry.rawTags);
  });

  it('reads Plex tags given with the input instead of asking Plex again', async () => {
    const calls: string[] = [];
    const entry = await enrichArtist(
      { ...artist, plex: { status: 'answered', value: plexTags(['Electronic']) } },
      artistFetchers({ plex: fail('unavailable'), lastfm: notFound }, calls),
      settings,
      { clock },
    );
    expect(calls).toEqual(['lastfm']);
    expect(entry.source).toBe('plex');
    expect(entry.status).toBe('ok');
  });

  it('takes a failed batched Plex read as a Plex failure for the entity, without asking Plex alone', async () => {
    const calls: string[] = [];
    const entry = await enrichArtist(
      { ...artist, plex: { status: 'failed', failure: { kind: 'unavailable', message: 'plex: HTTP 503' } } },
      artistFetchers({ plex: { answer: plexTags(['Rock']) }, lastfm: { answer: tags(['rock', 100]) } }, calls),
      settings,
      { clock },
    );
    expect(calls).toEqual(['lastfm']);
    expect(entry.status).toBe('partial');
    expect(entry.rawTags.plex).toMatchObject({ outcome: 'failed' });
  });

  it('on a failed refresh keeps what the provider said last time (Plex moods are never erased)', async () => {
    const first = await enrichArtist(
      artist,
      artistFetchers(
        { plex: { answer: plexTags(['Rock'], [], ['Brooding']) }, lastfm: { answer: tags(['art rock', 100]) } },
        [],
      ),
      settings,
      { clock: fixedClock('2026-01-01T00:00:00.000Z') },
    );
    const refreshed = await enrichArtist(
      artist,
      artistFetchers({ plex: fail('unavailable'), lastfm: fail('rate-limited') }, []),
      settings,
      { clock, previousRawTags: first.rawTags },
    );
    expect(refreshed.genres).toEqual(first.genres);
    expect(refreshed.moods).toEqual(['Brooding']);
    expect(refreshed.source).toBe('plex,lastfm');
    expect(refreshed.status).toBe('error');
    expect(refreshed.rawTags.plex?.tagsFrom).toBe('2026-01-01T00:00:00.000Z');
    expect(refreshed.rawTags.lastfm?.outcome).toBe('failed');
  });

  it('never stores a secret from an error message', async () => {
    const entry = await enrichArtist(
      artist,
      artistFetchers(
        {
          plex: { answer: plexTags(['Rock']) },
          lastfm: { throws: new Error('GET https://ws.audioscrobbler.com/2.0/?api_key=abcdef123456&artist=x failed') },
        },
        [],
      ),
      settings,
      { clock },
    );
    expect(entry.lastError).toContain('api_key=[redacted]');
    expect(entry.lastError).not.toContain('abcdef123456');
  });

  it('stops on cancellation instead of storing a half-made entry', async () => {
    const controller = new AbortController();
    const fetchers = artistFetchers({ plex: { answer: plexTags() }, lastfm: notFound }, []);
    fetchers.musicbrainz = async () => {
      controller.abort();
      throw new DOMException('aborted', 'AbortError');
    };
    await expect(enrichArtist(artist, fetchers, settings, { clock, signal: controller.signal })).rejects.toThrow(
      /abort/i,
    );
  });

  it('applies MAX_GENRES and LASTFM_MIN_TAG_WEIGHT from the settings', async () => {
    const entry = await enrichArtist(
      artist,
      artistFetchers({ lastfm: { answer: tags(['rock', 100], ['indie', 40], ['britpop', 30], ['noise', 20]) } }, []),
      { ...settings, maxGenres: 2, lastfmMinTagWeight: 35 },
      { clock },
    );
    expect(entry.genres).toEqual(['Rock', 'Indie']);
  });
});
