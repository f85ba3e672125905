import type { Prisma } from '../../../generated/prisma/client.ts';

/** The Prisma client or a transaction of it: every run statement accepts either. */
export type RunClient = Prisma.TransactionClient;
