import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { GraphQLContext } from './context.ts';
import { schema } from './schema.ts';

export type ServerContext = Record<string, unknown>;
export type LinernotesYoga = YogaServerInstance<ServerContext, GraphQLContext>;

export const GRAPHQL_PATH = '/graphql';

export function createGraphQLHandler(context: GraphQLContext): LinernotesYoga {
  return createYoga<ServerContext, GraphQLContext>({
    schema,
    graphqlEndpoint: GRAPHQL_PATH,
    // GraphiQL subscribes over graphql-ws on the same path; plain clients may use SSE instead.
    graphiql: { title: 'linernotes', subscriptionsProtocol: 'WS' },
    // GraphiQL's scripts are served from this package, not a CDN, so it works on a machine offline.
    renderGraphiQL,
    landingPage: false,
    context: () => context,
    logging: {
      debug: (...args) => context.logger.debug({ yoga: args }, 'yoga'),
      info: (...args) => context.logger.info({ yoga: args }, 'yoga'),
      warn: (...args) => context.logger.warn({ yoga: args }, 'yoga'),
      error: (...args) => context.logger.error({ yoga: args }, 'yoga'),
    },
  });
}
