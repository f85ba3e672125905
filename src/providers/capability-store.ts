// Provider capability findings in PostgreSQL (today: whether Spotify gives this app artist genres at all),
// so that every process start does not spend a request, and a share of a small daily quota, to find out
// again what another process found an hour ago. A finding belongs to the credentials it was made with.
import type { Queryable } from '../db/queryable.ts';
import type { ProviderCapability } from '../generated/prisma/client.ts';
import type { Providers } from './create-providers.ts';

/**
 * Gives the Spotify client a stored finding about the same credentials while it is fresh, or probes
 * (one search) and stores what the probe could tell. A probe that could not tell stores nothing, so the
 * next start tries again. Never throws for a provider failure: the probe records its own errors.
 */
export async function ensureSpotifyCapabilities(
  db: Queryable,
  providers: Providers,
): Promise<'restored' | 'probed' | 'skipped'> {
  const spotify = providers.spotify;
  const digest = providers.credentialDigest('spotify');
  if (spotify === undefined || digest === undefined || providers.pause('spotify') !== undefined) return 'skipped';
  const { rows } = await db.query<Pick<ProviderCapability, 'credentialDigest' | 'genres' | 'checkedAt'>>(
    `SELECT credential_digest AS "credentialDigest", genres, checked_at AS "checkedAt"
       FROM provider_capabilities WHERE provider = 'spotify'`,
  );
  const stored = rows[0];
  if (
    stored !== undefined &&
    stored.credentialDigest === digest &&
    (stored.genres === 'available' || stored.genres === 'unavailable')
  ) {
    if (spotify.restoreCapabilities({ genres: stored.genres, checkedAt: stored.checkedAt })) return 'restored';
  }
  const found = await spotify.probeCapabilities();
  if (found.genres !== 'unknown' && found.checkedAt !== undefined) {
    await db.query(
      `INSERT INTO provider_capabilities (provider, credential_digest, genres, checked_at) VALUES ('spotify', $1, $2, $3)
       ON CONFLICT (provider) DO UPDATE SET credential_digest = EXCLUDED.credential_digest, genres = EXCLUDED.genres,
         checked_at = EXCLUDED.checked_at`,
      [digest, found.genres, found.checkedAt],
    );
  }
  return 'probed';
}
