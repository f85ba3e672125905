// Reading format 1 snapshots. Format 1 wrote each entry as the API's model named it:
//   {"type":"artist","entry":{"nameKey":"…","source":"plex,lastfm", …}}
// with camelCase field names, `source` comma-joined (`none` when nobody knew), no usage columns
// (last_used_at, use_count), no created_at/updated_at or plex_seen_at, no facets, and no closing line.
// The upgrade turns such a record into a current one; the missing columns start as a fresh install's
// would: unused, created and last seen when fetched.
import { isSnapshotEntity, type SnapshotRecord, type SnapshotRow, SnapshotError } from './snapshot-format.ts';

function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

function splitSource(source: unknown): unknown {
  if (typeof source !== 'string') return source;
  return source === 'none' || source === '' ? [] : source.split(',');
}

export function upgradeFormat1Record(parsed: Record<string, unknown>, lineNumber: number): SnapshotRecord {
  const entity = parsed.type;
  const entry = parsed.entry;
  if (!isSnapshotEntity(entity) || typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw new SnapshotError(`line ${lineNumber} is not a format 1 snapshot record`);
  }
  const row: SnapshotRow = {};
  for (const [name, value] of Object.entries(entry)) row[snakeCase(name)] = value;
  if (entity === 'artist' || entity === 'album') {
    row.source = splitSource(row.source);
    // Format 1 predates facets: its tags were filed as genres, which a remerge from raw_tags sorts out.
    row.facets ??= {};
  }
  if (entity === 'track') {
    row.plex_seen_at ??= row.static_fetched_at;
    row.created_at ??= row.static_fetched_at;
    row.updated_at ??= row.stats_fetched_at;
  } else {
    row.updated_at ??= row.fetched_at;
  }
  if (entity !== 'audioFeatures') {
    row.created_at ??= row.fetched_at;
    row.last_used_at ??= null;
    row.use_count ??= 0;
  }
  return { entity, row };
}
