import type { IncomingMessage } from 'node:http';
import { createYoga, type YogaInitialContext, type YogaServerInstance } from 'graphql-yoga';
import { SharedCacheStatistics } from '../cache/use-cases/statistics/shared-statistics.ts';
import { SharedProviderReads } from '../providers/shared-provider-reads.ts';
import { armorPlugin } from './armor.ts';
import { clientErrorCodePlugin } from './client-error-codes.ts';
import { entryEtagPlugin } from './etag.ts';
import { maskError } from './errors.ts';
import { nulInputPlugin, SubscriptionGuard } from './guards.ts';
import { type AppTokenCheck, checkAppToken, looksLikeAppToken } from '../access/app-tokens.ts';
import {
  authorise,
  isEnvironmentToken,
  isLoopbackAddress,
  tokenFromAuthorization,
  tokenFromConnectionParams,
} from './auth.ts';
import type { GraphQLContext, GraphQLServices } from './context.ts';
import { createEntryOverrideReads } from '../cache/use-cases/entry-override-reads.ts';
import { createEntryPointReads } from '../cache/use-cases/entry-point-reads.ts';
import { readAccessPlugin } from './read-access.ts';
import { MAX_REQUEST_BODY_BYTES, requestParametersPlugin } from './request-parameters.ts';
import { schema } from './schema.ts';
import { graphiqlHtml } from '../server/graphiql-page.ts';

/**
 * What the HTTP server hands yoga with each request: the Node request (its socket's peer address
 * decides the loopback rule) and, over graphql-ws, the connection's params (where the token travels).
 */
export interface ServerContext {
  req?: IncomingMessage;
  connectionParams?: Readonly<Record<string, unknown>>;
}

export type LinernotesYoga = YogaServerInstance<ServerContext, GraphQLContext>;

export const GRAPHQL_PATH = '/graphql';

function requestToken(initial: ServerContext & Partial<YogaInitialContext>): string | undefined {
  return (
    tokenFromConnectionParams(initial.connectionParams) ??
    tokenFromAuthorization(initial.request?.headers.get('authorization') ?? undefined) ??
    tokenFromAuthorization(initial.req?.headers.authorization)
  );
}

export function createGraphQLHandler(services: GraphQLServices): LinernotesYoga {
  const { config, logger } = services;
  const isLoopback = services.isLoopback ?? isLoopbackAddress;
  const statistics = new SharedCacheStatistics(services.db.pool, config);
  const providerReads = new SharedProviderReads(services.db, config);
  const pointReads = createEntryPointReads(services.db.pool);
  const subscriptionGuard = services.subscriptionGuard ?? new SubscriptionGuard();
  // Only a token shaped like an app token, and not API_TOKEN or READ_TOKEN, costs a query (which also counts it).
  const appTokenCheck = async (token: string | undefined): Promise<AppTokenCheck | undefined> =>
    token !== undefined && looksLikeAppToken(token) && !isEnvironmentToken(token, config.apiToken, config.readToken)
      ? checkAppToken(services.db.pool, token)
      : undefined;
  return createYoga<ServerContext, GraphQLContext>({
    schema,
    graphqlEndpoint: GRAPHQL_PATH,
    // GraphiQL subscribes over graphql-ws on the same path; plain clients may use SSE instead.
    graphiql: { title: 'linernotes', subscriptionsProtocol: 'WS' },
    // GraphiQL's scripts are served from this package, not a CDN, so it works on a machine offline
    // (the page sendGraphiQL serves, rendered once in a worker thread).
    renderGraphiQL: graphiqlHtml,
    landingPage: false,
    // No field takes a file: a multipart body is refused (415) instead of being parsed for uploads.
    multipart: false,
    // A bigger body is refused with 413 before it is read.
    maxRequestBodySize: MAX_REQUEST_BODY_BYTES,
    // isDev false whatever NODE_ENV says: yoga's development mode would put stacks and causes in answers.
    maskedErrors: { maskError, isDev: false },
    // clientErrorCodePlugin first: its hooks see every parse, validation and execution result.
    plugins: [
      clientErrorCodePlugin(),
      requestParametersPlugin(),
      armorPlugin(),
      readAccessPlugin(),
      nulInputPlugin(),
      entryEtagPlugin(),
    ],
    context: async (initial): Promise<GraphQLContext> => {
      const token = requestToken(initial);
      return {
        ...services,
        genreSettings: services.deps.genreRules.settings(),
        statistics,
        providerReads,
        pointReads,
        overrideReads: createEntryOverrideReads(services.db.pool),
        subscriptionGuard,
        auth: authorise({
          token,
          appToken: await appTokenCheck(token),
          // The TCP peer, never X-Forwarded-For: a header anyone can send proves nothing.
          peerAddress: initial.req?.socket.remoteAddress,
          apiToken: config.apiToken,
          readToken: config.readToken,
          isLoopback,
        }),
        now: services.deps.clock(),
      };
    },
    logging: {
      debug: (...args) => logger.debug({ yoga: args }, 'yoga'),
      info: (...args) => logger.info({ yoga: args }, 'yoga'),
      warn: (...args) => logger.warn({ yoga: args }, 'yoga'),
      error: (...args) => logger.error({ yoga: args }, 'yoga'),
    },
  });
}
