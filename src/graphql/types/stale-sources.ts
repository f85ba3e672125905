// `staleSources` on artists and albums: the provider parts served from their last known good because
// that provider failed at the latest fetch (src/cache/policy/stale-sources.ts).
import { type StaleSource, staleSourcesOf } from '../../cache/policy/stale-sources.ts';
import { redact } from '../../providers/errors.ts';
import { builder } from '../builder.ts';
import { AlbumRef, ArtistRef } from './entry-refs.ts';
import { EntrySourceEnum } from './enums.ts';

const StaleSourceRef = builder.objectRef<StaleSource>('StaleSource').implement({
  description:
    'A provider part of an entry kept from the provider’s last answer because it failed at the latest fetch: still served, replaced by its next answer.',
  fields: (t) => ({
    source: t.field({ type: EntrySourceEnum, description: 'The provider.', resolve: (stale) => stale.source }),
    fetchedAt: t.expose('fetchedAt', {
      type: 'DateTime',
      description: 'When the provider last answered: the kept genres, styles and moods are from then.',
    }),
    failedAt: t.expose('failedAt', { type: 'DateTime', description: 'When the latest attempt failed.' }),
    error: t.string({
      nullable: true,
      description: 'Why it failed (kind: message).',
      resolve: (stale) => (stale.error === null ? null : redact(stale.error)),
    }),
  }),
});

const description =
  'The provider parts served from their last known good: each provider that failed at the latest fetch after answering before, whose earlier tags are kept. Empty when every part is the latest answer.';

builder.prismaObjectField(ArtistRef, 'staleSources', (t) =>
  t.field({
    type: [StaleSourceRef],
    description,

    resolve: (artist) => staleSourcesOf(artist.rawTags),
  }),
);

builder.prismaObjectField(AlbumRef, 'staleSources', (t) =>
  t.field({
    type: [StaleSourceRef],
    description,

    resolve: (album) => staleSourcesOf(album.rawTags),
  }),
);
