// Provider capability findings in PostgreSQL (today: whether Spotify gives this app artist genres at all),
// so that every process start does not spend a request, and a share of a small daily quota, to find out
// again what another process found an hour ago. A finding belongs to the credentials it was made with.
import type pg from 'pg';
import { prismaOf } from '../db/prisma.ts';
import type { Providers } from './create-providers.ts';

/**
 * Gives the Spotify client a stored finding about the same credentials while it is fresh, or probes
 * (one search) and stores what the probe could tell. A probe that could not tell stores nothing, so the
 * next start tries again. Never throws for a provider failure: the probe records its own errors.
 */
export async function ensureSpotifyCapabilities(
  pool: pg.Pool,
  providers: Providers,
): Promise<'restored' | 'probed' | 'skipped'> {
  const spotify = providers.spotify;
  const digest = providers.credentialDigest('spotify');
  if (spotify === undefined || digest === undefined || providers.pause('spotify') !== undefined) return 'skipped';
  const prisma = prismaOf(pool);
  const stored = await prisma.providerCapability.findUnique({ where: { provider: 'spotify' } });
  if (
    stored !== null &&
    stored.credentialDigest === digest &&
    (stored.genres === 'available' || stored.genres === 'unavailable')
  ) {
    if (spotify.restoreCapabilities({ genres: stored.genres, checkedAt: stored.checkedAt })) return 'restored';
  }
  const found = await spotify.probeCapabilities();
  if (found.genres !== 'unknown' && found.checkedAt !== undefined) {
    const finding = { credentialDigest: digest, genres: found.genres, checkedAt: found.checkedAt };
    await prisma.providerCapability.upsert({
      where: { provider: 'spotify' },
      create: { provider: 'spotify', ...finding },
      update: finding,
    });
  }
  return 'probed';
}
