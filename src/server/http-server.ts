// One HTTP server: GraphQL over HTTP and SSE (yoga), graphql-ws on the same path, and health probes.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type DocumentNode, type ExecutionArgs, GraphQLError, getOperationAST } from 'graphql';
import type { OperationResult } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Logger } from '../logger.ts';
import { type SubscriberChannel, SubscriptionFanOut, subscribeShared } from '../graphql/fan-out.ts';
import { GRAPHQL_PATH, type LinernotesYoga } from '../graphql/yoga.ts';
import { MAX_REQUEST_BODY_BYTES } from '../graphql/request-parameters.ts';
import { serveDashboard } from './dashboard.ts';
import { sendGraphiQL, wantsGraphiQL } from './graphiql-page.ts';
import { SUBSCRIPTION_LIMITS, SubscriptionLimitError } from '../graphql/guards.ts';
import { InvalidInputError } from '../graphql/errors.ts';

export type ReadinessCheck = () => Promise<{ ready: boolean; checks: Record<string, boolean | string> }>;

export interface HttpServerHandle {
  server: Server;
  url: string;
  close(): Promise<void>;
}

interface EnvelopedRoot {
  execute: (args: ExecutionArgs) => OperationResult;
  subscribe: (args: ExecutionArgs) => OperationResult;
  channel: SubscriberChannel;
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
}

export async function startHttpServer(options: {
  yoga: LinernotesYoga;
  host: string;
  port: number;
  logger: Logger;
  readiness: ReadinessCheck;
}): Promise<HttpServerHandle> {
  const { yoga, logger, readiness } = options;

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    if (path === '/healthz') {
      sendJson(response, 200, { status: 'ok' });
      return;
    }
    if (path === '/readyz') {
      readiness().then(
        (result) =>
          sendJson(response, result.ready ? 200 : 503, {
            status: result.ready ? 'ready' : 'not ready',
            ...result.checks,
          }),
        (error: unknown) => sendJson(response, 503, { status: 'not ready', error: (error as Error).message }),
      );
      return;
    }
    if (serveDashboard(request, response)) return;
    if (wantsGraphiQL(request, path, GRAPHQL_PATH)) {
      sendGraphiQL(request, response).catch((error: unknown) => {
        logger.error({ err: error }, 'could not render GraphiQL');
        if (!response.headersSent) response.writeHead(500);
        response.end();
      });
      return;
    }
    void yoga.requestListener(request, response);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Attached once listening: a WebSocketServer on a server whose listen fails re-emits the error, and
  // graphql-ws prints it with a stack before the caller can say what went wrong in one line.
  // A frame over the bound closes its connection with 1009 (message too big) before it is parsed.
  const wsServer = new WebSocketServer({ server, path: GRAPHQL_PATH, maxPayload: MAX_REQUEST_BODY_BYTES });
  // Subscribers of the same operation and variables share one execution and one serialization per event.
  const fanOut = new SubscriptionFanOut();
  // The graphql-ws recipe from graphql-yoga's docs: yoga's envelop (plugins, context) runs each operation.
  useServer(
    {
      execute: (args) => (args.rootValue as EnvelopedRoot).execute(args),
      subscribe: (args) => {
        const root = args.rootValue as EnvelopedRoot;
        return subscribeShared(fanOut, args, root.channel, (sharedArgs) => root.subscribe(sharedArgs));
      },
      onSubscribe: async (ctx, id, params) => {
        // This operation is already counted in ctx.subscriptions. Beyond the bound it is refused alone;
        // the connection and its other operations go on.
        if (Object.keys(ctx.subscriptions).length > SUBSCRIPTION_LIMITS.perConnection) {
          return [new SubscriptionLimitError('connection', SUBSCRIPTION_LIMITS.perConnection)];
        }
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params,
        });
        // A query that does not parse, or that a limit refuses (graphql-armor throws from parse and
        // validate), is an error for this operation, not for the whole connection.
        let document: DocumentNode;
        try {
          document = parse(params.query);
          const errors = validate(schema, document);
          if (errors.length > 0) return errors;
          // graphql-ws refuses a document whose operation it cannot pick with a code-less error of its own;
          // HTTP and SSE answer it as a client's mistake, and so does this.
          if (getOperationAST(document, params.operationName) === null)
            return [
              new InvalidInputError('Could not determine what operation to execute: name one with operationName.'),
            ];
        } catch (error) {
          if (error instanceof GraphQLError) return [error];
          throw error;
        }
        return {
          schema,
          operationName: params.operationName,
          document,
          variableValues: params.variables,
          contextValue: await contextFactory(),
          rootValue: {
            execute,
            subscribe,
            channel: { id, query: params.query, socket: ctx.extra.socket },
          } satisfies EnvelopedRoot,
        };
      },
    },
    wsServer,
  );

  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${shownHost}:${address.port}`;
  logger.info({ url: `${url}${GRAPHQL_PATH}` }, 'GraphQL API listening (GraphiQL in a browser)');

  let closing: Promise<void> | undefined;
  return {
    server,
    url,
    close: () => {
      closing ??= (async () => {
        // Stop accepting first, then let in-flight HTTP requests finish; WebSocket clients are told we are going away.
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const client of wsServer.clients) client.close(1001, 'server shutting down');
        await new Promise<void>((resolve) => wsServer.close(() => resolve()));
        server.closeIdleConnections();
        await closed;
      })();
      return closing;
    },
  };
}
