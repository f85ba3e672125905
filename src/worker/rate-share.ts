// Each provider's rate is a budget for the whole installation, not for each process: with N live
// processes, each takes 1/N of it (Last.fm's 4/s stays 4/s however many workers run).
import type { Config } from '../config.ts';
import type { Providers } from '../providers/index.ts';
import type { ProviderName } from '../types.ts';

function configuredRates(config: Config): Partial<Record<ProviderName, number>> {
  return {
    lastfm: config.providers.lastfm?.requestsPerSecond,
    musicbrainz: config.providers.musicbrainz?.requestsPerSecond,
    spotify: config.providers.spotify?.requestsPerSecond,
  };
}

export function shareProviderRates(providers: Providers, config: Config, liveProcesses: number): void {
  const share = Math.max(1, liveProcesses);
  for (const [name, rate] of Object.entries(configuredRates(config)) as Array<[ProviderName, number | undefined]>) {
    if (rate === undefined) continue;
    providers.limiter(name)?.setRate(rate / share);
  }
}
