// Relay connections (edges, nodes, pageInfo, totalCount) over a Page from src/graphql/pagination.ts.
// Every listing takes `first` (default 50, at most 500) and `after`; there is no backward paging.
import type { ObjectRef } from '@pothos/core';
import { builder } from '../builder.ts';
import type { Page } from '../pagination.ts';

type Types = typeof builder extends { $inferSchemaTypes: infer T } ? T : never;

export function connectionType<T>(
  name: string,
  nodeRef: ObjectRef<Types, T>,
  description: string,
): ObjectRef<Types, Page<T>> {
  const edgeRef = builder.objectRef<{ cursor: string; node: T }>(`${name}Edge`).implement({
    description: `One item of a ${name} page, with its cursor.`,
    fields: (t) => ({
      cursor: t.exposeString('cursor', { description: 'Pass as `after` to get the items after this one.' }),
      // Pothos cannot resolve its result type for a generic T; the node is exactly nodeRef's shape.
      node: t.field({ type: nodeRef, description: 'The item.', resolve: (edge) => edge.node as never }),
    }),
  });
  return builder.objectRef<Page<T>>(`${name}Connection`).implement({
    description,
    fields: (t) => ({
      edges: t.field({
        type: [edgeRef],
        description: 'The items of this page, each with its cursor.',
        resolve: (page) => page.nodes.map((node) => ({ cursor: page.cursorOf(node), node })),
      }),
      nodes: t.field({
        type: [nodeRef],
        description: 'The items of this page, without cursors.',
        resolve: (page) => page.nodes as never,
      }),
      pageInfo: t.field({
        type: builder.pageInfoRef(),
        description: 'Where this page stands: whether more follow, and the cursors of its ends.',
        resolve: (page) => {
          const first = page.nodes[0];
          const last = page.nodes[page.nodes.length - 1];
          return {
            hasNextPage: page.hasNextPage,
            hasPreviousPage: page.hasPreviousPage,
            startCursor: first === undefined ? null : page.cursorOf(first),
            endCursor: last === undefined ? null : page.cursorOf(last),
          };
        },
      }),
      totalCount: t.int({
        description: 'Items matching the filter, on every page together.',
        resolve: (page) => page.totalCount(),
      }),
    }),
  });
}
