// genre_rules_versions through Prisma: the active version (the applied one applied last), proposals, and
// applying one, which tells every process over NOTIFY so that their merges switch to it.
// Raw SQL inside the Prisma transactions: the advisory lock and pg_notify have no Prisma API.
import type { GenreRulesDocument } from '../../enrichment/genre-rules-document.ts';
import type { GenreRulesVersion, Prisma, PrismaClient } from '../../generated/prisma/client.ts';

export type { GenreRulesVersion };

/** The NOTIFY channel an applied version is announced on; the payload is its id. */
export const GENRE_RULES_CHANNEL = 'linernotes_genre_rules';

/** Serialises the seeding of the first version; any constant works as long as every process uses it. */
const SEED_LOCK = 'linernotes:genre-rules-seed';

export type GenreRulesOrigin = 'seed' | 'proposal' | 'import';

function asJson(document: GenreRulesDocument): Prisma.InputJsonObject {
  return document as unknown as Prisma.InputJsonObject;
}

export async function findActiveGenreRulesVersion(prisma: PrismaClient): Promise<GenreRulesVersion | null> {
  return await prisma.genreRulesVersion.findFirst({
    where: { status: 'applied' },
    orderBy: [{ appliedAt: 'desc' }, { id: 'desc' }],
  });
}

export async function findGenreRulesVersion(prisma: PrismaClient, id: number): Promise<GenreRulesVersion | null> {
  return await prisma.genreRulesVersion.findUnique({ where: { id } });
}

/**
 * The active version, seeding it from `seed()` when there is none yet. Processes starting together on a
 * new database take a lock first, so exactly one seed version is written.
 */
export async function activeOrSeededGenreRulesVersion(
  prisma: PrismaClient,
  seed: () => GenreRulesDocument,
): Promise<GenreRulesVersion> {
  const active = await findActiveGenreRulesVersion(prisma);
  if (active !== null) return active;
  return await prisma.$transaction(async (tx) => {
    // Raw: an advisory lock has no Prisma API.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${SEED_LOCK}))`;
    const seeded = await tx.genreRulesVersion.findFirst({
      where: { status: 'applied' },
      orderBy: [{ appliedAt: 'desc' }, { id: 'desc' }],
    });
    if (seeded !== null) return seeded;
    return await tx.genreRulesVersion.create({
      data: { rules: asJson(seed()), status: 'applied', origin: 'seed', appliedAt: new Date() },
    });
  });
}

export async function createGenreRulesProposal(
  prisma: PrismaClient,
  document: GenreRulesDocument,
  origin: GenreRulesOrigin,
): Promise<GenreRulesVersion> {
  return await prisma.genreRulesVersion.create({ data: { rules: asJson(document), status: 'proposed', origin } });
}

/** Makes the version the active one and tells every process; an applied older version becomes active again. */
export async function markGenreRulesVersionApplied(prisma: PrismaClient, id: number): Promise<GenreRulesVersion> {
  return await prisma.$transaction(async (tx) => {
    const version = await tx.genreRulesVersion.update({
      where: { id },
      data: { status: 'applied', appliedAt: new Date() },
    });
    // Raw: NOTIFY has no Prisma API; sent inside the transaction, it is delivered only once the row is committed.
    await tx.$executeRaw`SELECT pg_notify(${GENRE_RULES_CHANNEL}, ${String(id)})`;
    return version;
  });
}
