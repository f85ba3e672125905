// The enrichment's knobs: the genre rules of the active rules version, and the limits from configuration.
import type { Config } from '../config.ts';
import { genreRuleExtensions } from '../config.ts';
import { buildGenreRules, type GenreRules } from './genre-rules.ts';
import type { FacetLimits } from './tag-facets.ts';

export interface EnrichmentSettings {
  rules: GenreRules;
  /** MAX_GENRES: genres kept per entry, strongest first. */
  maxGenres: number;
  /** LASTFM_MIN_TAG_WEIGHT: Last.fm tags under this count (0-100 of the top tag) are dropped. */
  lastfmMinTagWeight: number;
  /** MAX_ERAS, MAX_PLACES, MAX_INSTRUMENTS, MAX_LABELS, MAX_RELEASE_TYPES: facet tags kept per entry, strongest first. */
  facetLimits?: FacetLimits;
}

/** The settings with the rules the configuration alone gives (the seed of the first rules version). */
export function enrichmentSettingsFromConfig(genres: Config['genres']): EnrichmentSettings {
  return enrichmentSettingsWithRules(genres, buildGenreRules(genreRuleExtensions(genres)));
}

/** The settings with the given rules (a rules version's) and the configured limits. */
export function enrichmentSettingsWithRules(genres: Config['genres'], rules: GenreRules): EnrichmentSettings {
  return {
    rules,
    maxGenres: genres.maxGenres,
    lastfmMinTagWeight: genres.lastfmMinTagWeight,
    facetLimits: genres.facetLimits,
  };
}
