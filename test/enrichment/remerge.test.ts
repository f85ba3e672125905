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
    const again = remergeArtist('Boards of Canada', entry.rawTags, settings, entry.fetchedAt);
    expect(again).toEqual(entry);

    const stricter = { ...settings, maxGenres: 2, rules: buildGenreRules({ extraBlocklist: ['ambient'] }) };
    const relabelled = remergeArtist('Boards of Canada', entry.rawTags, stricter, entry.fetchedAt);
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
    );
    expect(entry.genres).toEqual(['Electronic', 'Rock']);
    expect(entry.source).toBe('plex,lastfm');
  });
});
