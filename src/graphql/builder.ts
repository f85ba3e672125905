import SchemaBuilder from '@pothos/core';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import type PrismaTypes from '../generated/pothos-prisma-types.ts';
import { getDatamodel } from '../generated/pothos-prisma-types.ts';
import type { GraphQLContext } from './context.ts';
import type { JobKind } from '../types.ts';

export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  PrismaTypes: PrismaTypes;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    JSON: { Input: unknown; Output: unknown };
    JobKind: { Input: JobKind; Output: JobKind };
  };
  DefaultFieldNullability: false;
}>({
  plugins: [RelayPlugin, PrismaPlugin],
  defaultFieldNullability: false,
  relay: {
    // The entries are Relay nodes: clients normalise them by `id` and refetch them with node(id:).
    nodeTypeOptions: { description: 'An entry with a stable global id: Artist, Album or Track.' },
    idFieldOptions: { description: 'A stable global id (Relay), for client caches and node(id:).' },
    nodeQueryOptions: {
      description: 'The entry of this global id (an Artist, Album or Track `id`); null when the cache has none.',
      args: { id: { description: 'A global id, as an entry’s `id` answered it.' } },
    },
    nodesQueryOptions: {
      description: 'The entries of these global ids, in the order asked; null for ids the cache has none of.',
      args: { ids: { description: 'Global ids, as entries’ `id` answered them.' } },
    },
    pageInfoTypeOptions: { description: 'Where a page of a listing stands.' },
    hasNextPageFieldOptions: { description: 'Whether items follow this page.' },
    hasPreviousPageFieldOptions: { description: 'Whether this page was asked for after another (`after` was given).' },
    startCursorFieldOptions: { description: 'The cursor of the first item; null for an empty page.' },
    endCursorFieldOptions: { description: 'The cursor of the last item: pass it as `after` for the next page.' },
  },
  prisma: {
    // The client comes from the request context, so one schema serves every database (tests use many).
    client: (context) => context.db.prisma,
    dmmf: getDatamodel(),
    filterConnectionTotalCount: true,
    onUnusedQuery: null,
  },
});

builder.queryType({
  description:
    'Open to anyone who can reach the API, unless READ_TOKEN is set: then `Authorization: Bearer <READ_TOKEN or API_TOKEN>`.',
});
builder.mutationType({
  description:
    'Every mutation needs `Authorization: Bearer <API_TOKEN>` (graphql-ws: `{ Authorization: "Bearer …" }` in connectionParams); with no API_TOKEN set, only requests from a loopback address are accepted. A mutation returns its result type; a refusal changes nothing and answers a GraphQL error whose `extensions.code` is NOT_ALLOWED (with `extensions.reason` MISSING_TOKEN, WRONG_TOKEN or NOT_LOOPBACK), INVALID_INPUT (with `extensions.problems`: field and message), NOT_CONFIGURED (with `extensions.provider`) or NOT_FOUND (with `extensions.id`).',
});
builder.subscriptionType({
  description:
    'Over graphql-ws (this path, WebSocket) or SSE (POST with `Accept: text/event-stream`). Read access as for queries.',
});
