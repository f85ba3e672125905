// The typed documents of test/operations (src/generated/graphql.ts, from `npm run codegen`), sent by the
// real clients of test/support/graphql-clients.ts.
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { type GraphQLResponse, httpQuery, sseCollect, wsCollect } from '../../support/graphql-clients.ts';
import type { Client } from 'graphql-ws';

type Variables<V> = V extends Record<string, never> ? undefined : V;

export function request<R, V>(
  url: string,
  document: TypedDocumentNode<R, V>,
  variables?: Variables<V> | V,
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<R> & { status: number }> {
  return httpQuery<R>(url, print(document), variables as Record<string, unknown> | undefined, headers);
}

export function overWs<R, V>(
  client: Client,
  document: TypedDocumentNode<R, V>,
  variables?: V,
): Promise<Array<GraphQLResponse<R>>> {
  return wsCollect<R>(client, print(document), variables as Record<string, unknown> | undefined);
}

export function overSse<R, V>(
  url: string,
  document: TypedDocumentNode<R, V>,
  variables?: V,
  headers: Record<string, string> = {},
): Promise<Array<GraphQLResponse<R>>> {
  return sseCollect<R>(url, print(document), variables as Record<string, unknown> | undefined, headers);
}

/** The data of a response that must have no errors. */
export function dataOf<R>(response: GraphQLResponse<R>): R {
  if (response.errors !== undefined || response.data === undefined) {
    throw new Error(`unexpected GraphQL errors: ${JSON.stringify(response.errors)}`);
  }
  return response.data;
}
