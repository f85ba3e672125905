import SchemaBuilder from '@pothos/core';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import type PrismaTypes from '../generated/pothos-prisma-types.ts';
import { getDatamodel } from '../generated/pothos-prisma-types.ts';
import type { GraphQLContext } from './context.ts';

export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  PrismaTypes: PrismaTypes;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    JSON: { Input: unknown; Output: unknown };
  };
  DefaultFieldNullability: false;
}>({
  plugins: [RelayPlugin, PrismaPlugin],
  defaultFieldNullability: false,
  // Every connection's arguments and plumbing, described once.
  relay: {
    firstArgOptions: { description: 'Page size, 1–500 (default 50).' },
    afterArgOptions: { description: 'The endCursor of the previous page: the items after it.' },
    lastArgOptions: { description: 'Page size when paging backwards, 1–500.' },
    beforeArgOptions: { description: 'The startCursor of the next page: the items before it.' },
    edgesFieldOptions: { description: 'The items of this page, each with its cursor.' },
    pageInfoFieldOptions: { description: 'Where this page is in the whole list.' },
    cursorFieldOptions: { description: 'Pass as `after` to get the items after this one.' },
    nodeFieldOptions: { description: 'The item.' },
    pageInfoTypeOptions: { description: 'Where a page is in the whole list, for fetching the next one.' },
    hasNextPageFieldOptions: { description: 'Whether items follow this page.' },
    hasPreviousPageFieldOptions: { description: 'Whether items precede this page.' },
    startCursorFieldOptions: { description: 'The cursor of the first item of this page; null for an empty page.' },
    endCursorFieldOptions: {
      description:
        'The cursor of the last item of this page (pass as `after` for the next page); null for an empty page.',
    },
    defaultConnectionTypeOptions: { description: 'One page of a list.' },
    defaultEdgeTypeOptions: { description: 'An item of a page, with its cursor.' },
    nodeTypeOptions: {
      description:
        'An object with a stable, globally unique id, by which clients normalise it and node(id:) fetches it.',
    },
    idFieldOptions: { description: 'A stable, globally unique id (what node(id:) takes).' },
    nodeQueryOptions: {
      description: 'The object with this global id; null when there is none.',
      args: { id: { description: 'A global id, as an `id` field answers it.' } },
    },
    nodesQueryOptions: {
      description: 'The objects with these global ids, in the order asked; null for each that does not exist.',
      args: { ids: { description: 'Global ids, as `id` fields answer them.' } },
    },
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
    'Every mutation needs `Authorization: Bearer <API_TOKEN>` (graphql-ws: `{ Authorization: "Bearer …" }` in connectionParams); with no API_TOKEN set, only requests from a loopback address are accepted. A mutation returns its result type; a refusal changes nothing and answers a GraphQL error whose `extensions.code` is NOT_ALLOWED (with `extensions.reason` MISSING_TOKEN, WRONG_TOKEN or NOT_LOOPBACK), INVALID_INPUT (with `extensions.problems`: field and message, when the API’s own checks refused it; GraphQL’s own refusals of a malformed operation or value carry it too), NOT_CONFIGURED (with `extensions.provider`), NOT_FOUND (with `extensions.id`) or UNAVAILABLE (the database is out; with `extensions.retryAfterSeconds`).',
});
builder.subscriptionType({
  description:
    'Over graphql-ws (this path, WebSocket) or SSE (POST with `Accept: text/event-stream`). Read access as for queries.',
});
