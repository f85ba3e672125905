import type pg from 'pg';

/** A pool or a client inside a transaction: SQL helpers accept either. */
export type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;
