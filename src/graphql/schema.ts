// Importing a type module registers its types and fields on the builder.
import { lexicographicSortSchema } from 'graphql';
import { builder } from './builder.ts';
import './types/scalars.ts';
import './types/cache-stats.ts';

export const schema = lexicographicSortSchema(builder.toSchema());
