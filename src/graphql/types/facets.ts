// The facets of an artist or album: free-form tags that are not genres, one list each.
import { storedFacets, type TagFacets } from '../../enrichment/tag-facets.ts';
import { builder } from '../builder.ts';
import { AlbumRef, ArtistRef } from './entry-refs.ts';

const Facets = builder.objectRef<TagFacets>('Facets').implement({
  description:
    'Free-form tags (Last.fm, MusicBrainz, Spotify) that say something other than the genre, each list strongest first and cut at its own limit (MAX_ERAS, MAX_PLACES, MAX_INSTRUMENTS, MAX_LABELS, MAX_RELEASE_TYPES).',
  fields: (t) => ({
    eras: t.exposeStringList('eras', {
      description: 'Decades and years (`80s` and `1980s` are both `1980s`; `1994`).',
    }),
    places: t.exposeStringList('places', {
      description:
        'Countries, regions and cities, nationalities read as their country (`british` is `United Kingdom`).',
    }),
    instruments: t.exposeStringList('instruments', {
      description: 'Instruments, players read as their instrument (`pianist` is `Piano`).',
    }),
    labels: t.exposeStringList('labels', { description: 'Record labels (`4AD`, `Warp`, `Sub Pop`).' }),
    releaseTypes: t.exposeStringList('releaseTypes', {
      description: 'What kind of release (`Compilation`, `Live`, `Concept Album`, `Cast Recording`).',
    }),
  }),
});

builder.prismaObjectFields(ArtistRef, (t) => ({
  facets: t.field({
    type: Facets,
    description: 'Tags that are not genres: eras, places, instruments, labels and release types.',
    resolve: (artist) => storedFacets(artist.facets),
  }),
}));

builder.prismaObjectFields(AlbumRef, (t) => ({
  facets: t.field({
    type: Facets,
    description: 'Tags that are not genres: eras, places, instruments, labels and release types.',
    resolve: (album) => storedFacets(album.facets),
  }),
}));
