// The enrichment's knobs, taken from configuration once at start.
import type { Config } from '../config.ts';
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

/** Throws GenreRulesError when GENRE_BLOCKLIST or GENRE_ALIASES hold malformed entries. */
export function enrichmentSettingsFromConfig(genres: Config['genres']): EnrichmentSettings {
  return {
    rules: buildGenreRules({ extraBlocklist: genres.extraBlocklist, extraAliases: genres.extraAliases }),
    maxGenres: genres.maxGenres,
    lastfmMinTagWeight: genres.lastfmMinTagWeight,
    facetLimits: genres.facetLimits,
  };
}
