// Importing a type module registers its types and fields on the builder.
import { lexicographicSortSchema } from 'graphql';
import { builder } from './builder.ts';
import './types/scalars.ts';
import './types/enums.ts';
import './types/cache-entry.ts';
import './types/artist.ts';
import './types/album.ts';
import './types/track.ts';
import './types/audio-features.ts';
import './types/job-run.ts';
import './types/job-mutations.ts';
import './types/cache-mutations.ts';
import './types/lookups.ts';
import './types/subscriptions.ts';
import './types/schedules.ts';
import './types/provider-stats.ts';
import './types/cache-stats.ts';
import './types/warm-estimate.ts';
import './types/provider-health.ts';
import './types/entry-changes.ts';

export const schema = lexicographicSortSchema(builder.toSchema());
