// Removing entries: every entry of the chosen tables, or only the expired ones.
import type pg from 'pg';
import { prismaOf } from '../../db/prisma.ts';

export type ClearableTable = 'artists' | 'albums' | 'tracks';
export const CLEARABLE_TABLES: readonly ClearableTable[] = ['artists', 'albums', 'tracks'];

/** Removes expired entries (or all) from the chosen tables, in one transaction; returns the counts. */
export async function clearCache(
  pool: pg.Pool,
  options: { tables: readonly ClearableTable[]; expiredOnly: boolean; now: Date },
): Promise<Record<ClearableTable, number>> {
  const prisma = prismaOf(pool);
  const expired = { lte: options.now };
  const deletions = {
    artists: () => prisma.artistCache.deleteMany({ where: options.expiredOnly ? { expiresAt: expired } : {} }),
    albums: () => prisma.albumCache.deleteMany({ where: options.expiredOnly ? { expiresAt: expired } : {} }),
    // A track is cleared as expired when its static tier is: its statistics expire every day by design,
    // and a track with fresh metadata is still worth keeping while the next sync renews its plays.
    tracks: () => prisma.trackCache.deleteMany({ where: options.expiredOnly ? { staticExpiresAt: expired } : {} }),
  };
  const tables = [...options.tables];
  const results = await prisma.$transaction(tables.map((table) => deletions[table]()));
  const counts: Record<ClearableTable, number> = { artists: 0, albums: 0, tracks: 0 };
  tables.forEach((table, index) => {
    counts[table] = results[index]?.count ?? 0;
  });
  return counts;
}
