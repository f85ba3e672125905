import { describe, expect, it } from 'vitest';
import { enrichArtist } from '../../src/enrichment/enrich-artist.ts';
import { buildGenreRules, defaultGenreRules } from '../../src/enrichment/genre-rules.ts';
import { remergeAlbum, remergeArtist } from '../../src/enrichment/remerge.ts';
import { artistFetchers, fixedClock, plexTags, tags } from './provider-stubs.ts';

const settings = { rules: defaultGenreRules, maxGenres: 10, lastfmMinTagWeight: 10 };

describe('re-merging stored raw tags', () => {
  it('gives the same entry as the fetch, and follows changed rules without a request', async () => {
    const entry = await enrichArtist(
      { name: 'Boards of Canada' },
      artistFetchers(
        {
          plex: { answer: plexTags(['Electronic'], ['IDM'], ['Hypnotic']) },
          lastfm: { answer: tags(['idm', 100], ['ambient', 70], ['downtempo', 40]) },
        },
        [],
      ),
      settings,
      { clock: fixedClock('2026-11-26T12:00:00.000Z') },
    );
    const again = remergeArtist('Boards of Canada', entry.rawTags, settings, entry.fetchedAt, undefined);
    expect(again).toEqual(entry);

    const stricter = { ...settings, maxGenres: 2, rules: buildGenreRules({ extraBlocklist: ['ambient'] }) };
    const relabelled = remergeArtist('Boards of Canada', entry.rawTags, stricter, entry.fetchedAt, undefined);
    expect(relabelled.genres).toEqual(['IDM', 'Electronic']);
    expect(relabelled.moods).toEqual(['Hypnotic']);
  });

  it('re-merges album raw tags in album priority', () => {
    const at = '2026-11-26T12:00:00.000Z';
    const entry = remergeAlbum(
      'Radiohead',
      'Kid A',
      {
        lastfm: { outcome: 'answered', at, genres: [{ name: 'electronic', weight: 100 }] },
        plex: { outcome: 'answered', at, genres: [{ name: 'Rock' }], styles: [], moods: [] },
      },
      settings,
      new Date(at),
      undefined,
    );
    expect(entry.genres).toEqual(['Electronic', 'Rock']);
    expect(entry.source).toBe('plex,lastfm');
  });

  it('applies an entry’s pins and blocks as the fetch does, and a pin does not stop the fallback providers', async () => {
    const overrides = { pinnedGenres: ['Shoegaze', 'dream pop'], blockedTags: ['ambient'] };
    const fetchers = artistFetchers(
      {
        lastfm: { answer: tags(['seen live', 100]) },
        musicbrainz: {
          answer: [
            { name: 'ambient', weight: 3 },
            { name: 'drone', weight: 2 },
          ],
        },
      },
      [],
    );
    const entry = await enrichArtist({ name: 'Stars of the Lid' }, fetchers, settings, {
      clock: fixedClock('2026-11-26T12:00:00.000Z'),
      overrides,
    });
    // Last.fm gave no genre, so MusicBrainz was asked although the genres are pinned.
    expect(entry.rawTags.musicbrainz?.genres).toHaveLength(2);
    expect(entry.genres).toEqual(['Shoegaze', 'Dream Pop']);
    expect(remergeArtist('Stars of the Lid', entry.rawTags, settings, entry.fetchedAt, overrides)).toEqual(entry);
    const blockedOnly = remergeArtist('Stars of the Lid', entry.rawTags, settings, entry.fetchedAt, {
      pinnedGenres: null,
      blockedTags: ['Ambient'],
    });
    expect(blockedOnly.genres).toEqual(['Drone']);
  });

  it('re-derives facets from the stored tags, with the configured facet limits', () => {
    const at = '2026-11-26T12:00:00.000Z';
    const rawTags = {
      lastfm: {
        outcome: 'answered' as const,
        at,
        genres: [
          { name: 'dream pop', weight: 100 },
          { name: '4ad', weight: 80 },
          { name: 'scottish', weight: 60 },
          { name: '80s', weight: 50 },
          { name: '1990s', weight: 30 },
        ],
      },
    };
    const entry = remergeArtist('Cocteau Twins', rawTags, settings, new Date(at), undefined);
    expect(entry.genres).toEqual(['Dream Pop']);
    expect(entry.facets).toMatchObject({ labels: ['4AD'], places: ['Scotland'], eras: ['1980s', '1990s'] });
    const oneEra = { ...settings, facetLimits: { eras: 1, places: 3, instruments: 3, labels: 0, releaseTypes: 3 } };
    expect(remergeArtist('Cocteau Twins', rawTags, oneEra, new Date(at), undefined).facets).toMatchObject({
      eras: ['1980s'],
      labels: [],
    });
  });
});
