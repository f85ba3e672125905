import { PrismaPg } from '@prisma/adapter-pg';
import type pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.ts';

export type { PrismaClient };

/** Prisma on a pg pool through the driver adapter: its WASM query compiler needs no native engine to download. */
function createPrismaClient(pool: pg.Pool): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg(pool) });
}

const clients = new WeakMap<pg.Pool, PrismaClient>();

/** The one Prisma client on this pool: storage modules and the GraphQL schema share it with raw SQL. */
export function prismaOf(pool: pg.Pool): PrismaClient {
  let client = clients.get(pool);
  if (client === undefined) {
    client = createPrismaClient(pool);
    clients.set(pool, client);
  }
  return client;
}
