// What an AudioMuse-AI instance has analysed so far, and how media-server ids reach its catalogue.
//
// Analysis is progressive in AudioMuse: its workers download and analyse tracks over hours or days, so a
// track the library holds may not have a `score` row yet; a later pass (or a new model) re-analyses a track
// in place, which changes its fingerprint. One AudioMuse can also serve several media servers: a caller's
// id is a provider id (for Plex, the ratingKey) resolved against the default server unless `server` names
// another one, so the same ratingKey can denote a different song on another server.
import { createHash } from 'node:crypto';
import type { AudioMuseTruth } from './library-types.ts';
import type { SyntheticLibrary } from './library.ts';
import { rngFor } from './random.ts';

export interface AudioMuseServer {
  /** The internal server id (`music_servers.server_id`). */
  id: string;
  /** The display name the setup wizard shows; `server` accepts either. */
  name: string;
  /** AudioMuse's default server: ids without `server` resolve against it. Default: the first server. */
  default?: boolean;
  /**
   * How this server's ids map onto the simulated library: provider id of library track i on this server is
   * the library ratingKey of track (i - shift) (mod tracks). 0, the default, means "the Plex simulator".
   */
  shift?: number;
}

export interface AnalysisOptions {
  /** Share (0–1) of the tracks AudioMuse can analyse that it has not analysed yet when the simulator starts. */
  pendingShare?: number;
}

export class AudioMuseAnalysis {
  private readonly pendingTracks = new Set<number>();
  private readonly revisions = new Map<number, number>();
  private analysedCache: number[] | undefined;
  private readonly firstTrackKey: number;

  constructor(
    private readonly library: SyntheticLibrary,
    readonly servers: readonly AudioMuseServer[],
    options: AnalysisOptions = {},
  ) {
    this.firstTrackKey = library.trackCount > 0 ? Number(library.track(0).ratingKey) : 0;
    const share = options.pendingShare ?? 0;
    if (share > 0) {
      for (let index = 0; index < library.trackCount; index++) {
        if (library.audioFeatures(index) !== null && rngFor(library.seed, 'audiomuse-pending', index).next() < share)
          this.pendingTracks.add(index);
      }
    }
  }

  /** The server `server` (name or id) selects; the default server when absent; undefined for an unknown one. */
  resolveServer(server: string | null): AudioMuseServer | undefined {
    if (server === null || server === '')
      return this.servers.find((known) => known.default === true) ?? this.servers[0];
    return this.servers.find((known) => known.id === server || known.name === server);
  }

  /** The library track a provider id denotes on `server`, if any. */
  trackIndexOf(providerId: string, server: AudioMuseServer): number | undefined {
    const found = this.library.byRatingKey(providerId);
    if (found?.kind !== 'track') return undefined;
    return this.wrap(found.item.index + (server.shift ?? 0));
  }

  /** The provider id of library track `index` on `server`. */
  providerIdOf(index: number, server: AudioMuseServer): string {
    return String(this.firstTrackKey + this.wrap(index - (server.shift ?? 0)));
  }

  /** The analysis AudioMuse holds for a track now; null before it has analysed it (or when it cannot). */
  features(index: number): AudioMuseTruth | null {
    if (this.pendingTracks.has(index)) return null;
    const truth = this.library.audioFeatures(index);
    if (truth === null) return null;
    const revision = this.revisions.get(index) ?? 0;
    return revision === 0 ? truth : reanalysed(truth, index, revision);
  }

  /** Analysed track indexes in catalogue order (AudioMuse orders by its own item id; here, by index). */
  analysed(): readonly number[] {
    if (this.analysedCache === undefined) {
      const list: number[] = [];
      for (let index = 0; index < this.library.trackCount; index++) if (this.features(index) !== null) list.push(index);
      this.analysedCache = list;
    }
    return this.analysedCache;
  }

  /** Library tracks (by index) AudioMuse will analyse but has not yet. */
  pending(): number[] {
    return [...this.pendingTracks].sort((a, b) => a - b);
  }

  /** AudioMuse's workers finish these tracks (indexes); none given = every pending track. */
  analyse(indexes: readonly number[] = this.pending()): void {
    for (const index of indexes) this.pendingTracks.delete(index);
    this.analysedCache = undefined;
  }

  /** Analyse a track again (a new pass or model): its features, and so its fingerprint, change. */
  reanalyse(index: number): void {
    this.revisions.set(index, (this.revisions.get(index) ?? 0) + 1);
    this.analysedCache = undefined;
  }

  private wrap(index: number): number {
    const count = this.library.trackCount;
    return ((index % count) + count) % count;
  }
}

function round(value: number, places: number): number {
  const factor = 10 ** places;
  return Math.round(value * factor) / factor;
}

/** A later analysis of the same audio: slightly different numbers, and the CLAP step done if it had not run. */
function reanalysed(truth: AudioMuseTruth, index: number, revision: number): AudioMuseTruth {
  const rng = rngFor('audiomuse-reanalysis', index, revision);
  const clapMissing = truth.otherFeatures.every(([, score]) => score === 0);
  return {
    ...truth,
    tempo: round(truth.tempo + rng.int(1, 300) / 100, 4),
    energy: round(Math.min(0.95, Math.max(0.3, truth.energy + (rng.int(0, 200) - 100) / 10_000)), 4),
    otherFeatures: clapMissing
      ? truth.otherFeatures.map(([label]) => [label, round(rng.int(1, 60) / 100, 2)])
      : truth.otherFeatures,
    analysedAt: truth.analysedAt + revision * 86_400,
  };
}

/** database.py: `",".join(f"{k}:{v:.3f}")`; song.py other features: `{v:.2f}` in fixed label order. */
export function encodeFeatures(entries: ReadonlyArray<readonly [string, number]>, places: number): string {
  return entries.map(([label, score]) => `${label}:${score.toFixed(places)}`).join(',');
}

/**
 * app_sync.py's read-time fingerprint: the first 16 hex digits of md5 over
 * mood_vector|energy|other_features|tempo|key|scale (PostgreSQL's text forms), so it changes on re-analysis.
 */
export function analysisFingerprint(features: AudioMuseTruth): string {
  const parts = [
    encodeFeatures(features.moods, 3),
    String(features.energy),
    encodeFeatures(features.otherFeatures, 2),
    String(features.tempo),
    features.key,
    features.scale,
  ];
  return createHash('md5').update(parts.join('|')).digest('hex').slice(0, 16);
}
