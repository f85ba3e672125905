// `waited` on the entries lookupArtists / lookupAlbums answer: how long the lookup's provider requests
// waited for slots of the providers' rate budgets, and why. A lookup goes ahead of background warms and
// refreshes (src/providers/request-lane.ts), so a long wait here means the budget itself was the limit
// (a provider's "slow down", or many lookups at once), not a warm's queue.
//
// The waits belong to one answer, not to the stored entry, so they are kept beside the answered objects
// (a WeakMap: gone with the response) rather than in the row.
import type { ProviderWait } from '../../providers/request-lane.ts';
import { builder } from '../builder.ts';
import { AlbumRef, ArtistRef } from './entry-refs.ts';
import { ProviderEnum } from './enums.ts';

const answeredWaits = new WeakMap<object, ProviderWait[]>();

/** Remembers the waits of a lookup's answer for `waited` (names asked twice share one entry and its waits). */
export function rememberWaits(entry: object, waits: ProviderWait[]): void {
  if (!answeredWaits.has(entry)) answeredWaits.set(entry, waits);
}

const WaitReasonEnum = builder.enumType('WaitReason', {
  description: 'Why a lookup’s provider requests waited for their slots.',
  values: {
    RATE_BUDGET: {
      value: 'rate-budget',
      description: 'The provider’s rate allowed no request sooner (the spacing after the previous request).',
    },
    QUEUED: {
      value: 'queued',
      description: 'Other interactive requests to the provider were waiting for slots first.',
    },
    PROVIDER_PAUSE: {
      value: 'provider-pause',
      description: 'The provider said “slow down” (a 429 or its equivalent); every caller waited it out.',
    },
    CONCURRENCY: {
      value: 'concurrency',
      description: 'As many calls as allowed were already in flight to the provider.',
    },
  } as const,
});

const ProviderWaitRef = builder.objectRef<ProviderWait>('ProviderWait').implement({
  description: 'How long a lookup’s requests to one provider waited for slots of its rate budget, and why.',
  fields: (t) => ({
    provider: t.field({
      type: ProviderEnum,
      description: 'The provider waited for.',
      resolve: (wait) => wait.provider,
    }),
    ms: t.exposeInt('ms', { description: 'Milliseconds waited, all requests to this provider together.' }),
    reason: t.field({
      type: WaitReasonEnum,
      description: 'The reason that accounted for most of the wait.',
      resolve: (wait) => wait.reason,
    }),
  }),
});

const waitedDescription =
  'Only on the answers of lookupArtists and lookupAlbums: how long fetching this entry waited for provider slots, per provider (empty when it did not wait or was answered from the cache). Null elsewhere.';

builder.objectField(ArtistRef, 'waited', (t) =>
  t.field({
    type: [ProviderWaitRef],
    nullable: true,
    description: waitedDescription,
    resolve: (entry) => answeredWaits.get(entry) ?? null,
  }),
);

builder.objectField(AlbumRef, 'waited', (t) =>
  t.field({
    type: [ProviderWaitRef],
    nullable: true,
    description: waitedDescription,
    resolve: (entry) => answeredWaits.get(entry) ?? null,
  }),
);
