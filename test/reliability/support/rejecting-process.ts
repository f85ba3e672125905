// A process set up as every linernotes process is (the rejection guard, the JSON logger) that serves
// HTTP and then suffers a rejection nobody handles, from a real library: a PostgreSQL connection to a
// port where nothing listens, with a password in its URL. `unguarded` leaves the guard out.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { survivePromiseRejections } from '../../../src/lifecycle.ts';
import { createLogger } from '../../../src/logger.ts';

const logger = createLogger('info');
if (process.argv[2] !== 'unguarded') survivePromiseRejections(logger);

const server = createServer((_request, response) => response.end('alive'));
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  logger.info({ port }, 'listening');
  // Nobody waits for this connection: its refusal is an unhandled rejection.
  void new pg.Client({ connectionString: 'postgres://linernotes:s3cret-password@127.0.0.1:1/linernotes' }).connect();
});
