import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import type { Logger } from '../logger.ts';

/** What every resolver receives. Resolvers only translate: the logic they call lives in src/cache and src/jobs. */
export interface GraphQLContext {
  config: Config;
  db: Database;
  logger: Logger;
}
