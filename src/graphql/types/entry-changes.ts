// The change feed for apps that keep their own copy of the cache: `changes` pages through every change
// after a cursor, `entryChanges` replays from a cursor and then streams changes live. The cursor is the
// feed position (transaction id, sequence), opaque to clients; it stays valid across restarts.
// Reading the feed is not use of the entries: it records no usage (a full sync would otherwise mark the
// whole library hot).
import { encodeGlobalID } from '@pothos/plugin-relay';
import { followChanges } from '../../cache/use-cases/change-feed/follow-changes.ts';
import { type EntryChangeView, readChangePage } from '../../cache/use-cases/change-feed/read-change-page.ts';
import {
  type ChangePosition,
  currentChangePosition,
  type EntryKind,
  FEED_START,
} from '../../cache/storage/entry-changes.ts';
import { builder } from '../builder.ts';
import type { GraphQLContext } from '../context.ts';
import { decodeCursor, encodeCursor, isTuple, pageSize } from '../pagination.ts';
import { AlbumRef, ArtistRef, AudioFeaturesRef, TrackRef } from './entry-refs.ts';

const CURSOR_KIND = 'changes';
// A subscription reads the feed in pages of this many while it catches up.
const FOLLOW_PAGE_SIZE = 200;

const isDigits = (value: unknown): value is string => typeof value === 'string' && /^\d{1,19}$/.test(value);
const isPosition = isTuple<[string, string]>(isDigits, isDigits);

function encodePosition(position: ChangePosition): string {
  return encodeCursor(CURSOR_KIND, [position.transaction.toString(), position.sequence.toString()]);
}

function decodePosition(cursor: string | null | undefined): ChangePosition | null {
  const position = decodeCursor(CURSOR_KIND, cursor, isPosition);
  return position === null ? null : { transaction: BigInt(position[0]), sequence: BigInt(position[1]) };
}

const EntryKindEnum = builder.enumType('EntryKind', {
  description: 'What a change is about.',
  values: {
    ARTIST: { value: 'artist', description: 'An artist entry.' },
    ALBUM: { value: 'album', description: 'An album entry.' },
    TRACK: { value: 'track', description: 'A track entry.' },
    AUDIO_FEATURES: { value: 'audio_features', description: 'A track’s AudioMuse analysis.' },
  } as const,
});

// The Relay type of each kind that is a node; audio features are reached through their track.
const NODE_TYPES: Partial<Record<EntryKind, string>> = { artist: 'Artist', album: 'Album', track: 'Track' };

const EntryKeyRef = builder.objectRef<EntryChangeView['key']>('EntryKey').implement({
  description:
    'How to find the entry: nameKey for an artist, artistKey and titleKey for an album, ratingKey for a track and for audio features.',
  fields: (t) => ({
    nameKey: t.string({
      nullable: true,
      description: 'The artist’s normalised name.',
      resolve: (key) => key.nameKey ?? null,
    }),
    artistKey: t.string({
      nullable: true,
      description: 'The album artist’s normalised name.',
      resolve: (key) => key.artistKey ?? null,
    }),
    titleKey: t.string({
      nullable: true,
      description: 'The album’s normalised title.',
      resolve: (key) => key.titleKey ?? null,
    }),
    ratingKey: t.id({
      nullable: true,
      description: 'The track’s Plex ratingKey.',
      resolve: (key) => key.ratingKey ?? null,
    }),
  }),
});

const EntryChangeRef = builder.objectRef<EntryChangeView>('EntryChange').implement({
  description:
    'One entry’s latest change: written (the entry at its current state) or removed (its key). Each entry appears once per change of its data; reads (lastUsedAt, useCount) and fetches that confirm the same data are not changes.',
  fields: (t) => ({
    cursor: t.string({
      description: 'Pass as `after` to continue after this change (also after a restart of linernotes).',
      resolve: (change) => encodePosition(change.position),
    }),
    kind: t.field({ type: EntryKindEnum, description: 'What changed.', resolve: (change) => change.kind }),
    removed: t.exposeBoolean('removed', {
      description: 'The entry is gone (cleared, pruned, or its track left Plex); only `key` and `id` describe it.',
    }),
    key: t.field({ type: EntryKeyRef, description: 'The entry’s key.', resolve: (change) => change.key }),
    id: t.id({
      nullable: true,
      description: 'The entry’s global id (as Artist.id, Album.id, Track.id answer it); null for audio features.',
      resolve: (change) => {
        const type = NODE_TYPES[change.kind];
        return type === undefined ? null : encodeGlobalID(type, change.entryId);
      },
    }),
    changedAt: t.expose('changedAt', { type: 'DateTime', description: 'When the change was written.' }),
    artist: t.field({
      type: ArtistRef,
      nullable: true,
      description: 'The artist, for an ARTIST change that is not a removal.',
      resolve: (change) => change.artist ?? null,
    }),
    album: t.field({
      type: AlbumRef,
      nullable: true,
      description: 'The album, for an ALBUM change that is not a removal.',
      resolve: (change) => change.album ?? null,
    }),
    track: t.field({
      type: TrackRef,
      nullable: true,
      description: 'The track, for a TRACK change that is not a removal.',
      resolve: (change) => change.track ?? null,
    }),
    audioFeatures: t.field({
      type: AudioFeaturesRef,
      nullable: true,
      description:
        'The analysis, for an AUDIO_FEATURES change that is not a removal; null too when AudioMuse has none for the track.',
      resolve: (change) => change.audioFeatures ?? null,
    }),
  }),
});

interface ChangePageShape {
  changes: EntryChangeView[];
  endCursor: string;
  hasMore: boolean;
}

const EntryChangePageRef = builder.objectRef<ChangePageShape>('EntryChangePage').implement({
  description: 'Changes after a cursor, in feed order.',
  fields: (t) => ({
    changes: t.field({ type: [EntryChangeRef], description: 'The changes, oldest first.', resolve: (p) => p.changes }),
    endCursor: t.exposeString('endCursor', {
      description:
        'Pass as `after` for the next page, or to entryChanges to follow live; the given cursor when nothing changed.',
    }),
    hasMore: t.exposeBoolean('hasMore', { description: 'More changes are ready: ask again with endCursor.' }),
  }),
});

builder.queryFields((t) => ({
  changes: t.field({
    type: EntryChangePageRef,
    description:
      'What changed after a cursor: written entries with their data, removed ones with their key. Without `after`, every entry from the start, so a new app syncs with this alone and then keeps up with endCursor.',
    args: {
      after: t.arg.string({ description: 'An endCursor or cursor from an earlier answer; absent: from the start.' }),
      first: t.arg.int({ description: 'Page size, 1–500 (default 50).' }),
    },
    resolve: async (_root, args, context) => {
      const limit = pageSize(args.first);
      const after = decodePosition(args.after) ?? FEED_START;
      const page = await readChangePage(context.db, after, limit);
      return { changes: page.changes, endCursor: encodePosition(page.end), hasMore: page.hasMore };
    },
  }),
}));

async function startFollowing(context: GraphQLContext, after: string | null | undefined) {
  const decoded = decodePosition(after);
  const start = decoded ?? (await currentChangePosition(context.db.pool));
  return followChanges({
    after: start,
    readPage: (position) => readChangePage(context.db, position, FOLLOW_PAGE_SIZE),
    onSignal: (wake) => context.entryChanges?.onChange(wake) ?? (() => undefined),
    recheckMs: context.changeRecheckMs,
  });
}

builder.subscriptionFields((t) => ({
  entryChanges: t.field({
    type: EntryChangeRef,
    description:
      'Every change after `after` (replayed first), then each new change as it is written; never completes. Without `after`, only changes from now on.',
    args: {
      after: t.arg.string({ description: 'A cursor from changes or from an earlier event; absent: from now.' }),
    },
    subscribe: async (_root, args, context) =>
      context.subscriptionGuard.hold(await startFollowing(context, args.after)),
    resolve: (change) => change,
  }),
}));
