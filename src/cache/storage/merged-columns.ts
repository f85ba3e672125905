// The columns a re-merge from raw tags rewrites on one artist or album (after the user's pin or block):
// what the merge derives, never the fetch's dates or identity. One definition for both tables, so a
// column the merge gains (facets did) is rewritten on both.
import type { EntryStatus } from '../../generated/prisma/client.ts';
import type { TagFacets } from '../../enrichment/tag-facets.ts';
import { sourceList } from '../policy/entry-sources.ts';

export interface MergedColumns {
  genres: string[];
  styles: string[];
  moods: string[];
  facets: TagFacets;
  /** The contract text (`plex,lastfm`, `none`). */
  source: string;
  status: EntryStatus;
}

/** The Prisma update data of a re-merge. */
export function mergedColumnsData(merged: MergedColumns) {
  return {
    genres: merged.genres,
    styles: merged.styles,
    moods: merged.moods,
    facets: { ...merged.facets },
    status: merged.status,
    source: sourceList(merged.source),
  };
}
