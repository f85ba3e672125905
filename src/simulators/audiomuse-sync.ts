// AudioMuse-AI's `GET /api/sync` (app_sync.py, added 2026-05): a read-only export of the analysis library.
//   ?fields=index        a manifest of {id, fp}, paged (`page` from 1, `limit` up to 1,000, default 500)
//   ?ids=a,b,…           full rows for those ids only (the first 500 are used; unanalysed ids are left out)
//   (neither)            full rows, paged (`limit` up to 500)
// Every answer is {tracks, total_tracks, provider_type, has_more, next_page}. Ids are the selected media
// server's provider ids (the default server unless `server` names another); an unknown `server` is a 400.
// Rows carry the embeddings (base64 float32) unless include_embeddings=false.
import type { SimRequest, SimResponse } from './http.ts';
import {
  analysisFingerprint,
  encodeFeatures,
  type AudioMuseAnalysis,
  type AudioMuseServer,
} from './audiomuse-analysis.ts';
import type { SyntheticLibrary } from './library.ts';

const MAX_PAYLOAD_LIMIT = 500;
const MAX_MANIFEST_LIMIT = 1000;
const DEFAULT_LIMIT = 500;
const MUSICNN_DIMENSIONS = 200;
const CLAP_DIMENSIONS = 512;

/** Flask's jsonify: compact, every object's keys sorted, non-ASCII escaped, a trailing newline. */
export function flaskJson(status: number, value: unknown): SimResponse {
  const body = JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  ).replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return { status, headers: { 'Content-Type': 'application/json' }, body: `${body}\n` };
}

/** Flask's `request.args.get(name, default, type=int)`: anything that is not an integer is the default. */
function intArg(query: URLSearchParams, name: string, fallback: number): number {
  const raw = query.get(name);
  return raw !== null && /^[-+]?\d+$/.test(raw.trim()) ? Number(raw) : fallback;
}

function embedding(index: number, dimensions: number, salt: number): string {
  const values = new Float32Array(dimensions);
  for (let position = 0; position < dimensions; position++)
    values[position] = Math.sin(index * 31 + position * salt) / 4;
  return Buffer.from(values.buffer).toString('base64');
}

export function createSyncHandler(
  library: SyntheticLibrary,
  analysis: AudioMuseAnalysis,
): (request: SimRequest) => SimResponse {
  const row = (
    index: number,
    server: AudioMuseServer,
    includeEmbeddings: boolean,
  ): Record<string, unknown> | undefined => {
    const features = analysis.features(index);
    if (features === null) return undefined;
    const track = library.track(index);
    const clapRan = features.otherFeatures.some(([, score]) => score !== 0);
    const result: Record<string, unknown> = {
      id: analysis.providerIdOf(index, server),
      title: track.title,
      artist: track.artistName,
      album_artist: track.artistName,
      album: track.albumTitle,
      year: track.year ?? null,
      tempo: features.tempo,
      key: features.key,
      scale: features.scale,
      mood_vector: encodeFeatures(features.moods, 3),
      energy: features.energy,
      other_features: encodeFeatures(features.otherFeatures, 2),
      rating: track.userRating === undefined ? null : Math.round(track.userRating / 2),
      // No map projection has been computed in the simulated instance.
      umap_x: null,
      umap_y: null,
      fp: analysisFingerprint(features),
    };
    if (includeEmbeddings) {
      result.embedding = embedding(index, MUSICNN_DIMENSIONS, 7);
      result.clap_embedding = clapRan ? embedding(index, CLAP_DIMENSIONS, 13) : null;
    }
    return result;
  };

  const envelope = (tracks: unknown[], totalTracks: number, hasMore: boolean, page: number): SimResponse =>
    flaskJson(200, {
      tracks,
      total_tracks: totalTracks,
      provider_type: 'plex',
      has_more: hasMore,
      next_page: hasMore ? page + 1 : null,
    });

  return (request) => {
    const { query } = request;
    const manifest = query.get('fields') === 'index';
    const page = Math.max(1, intArg(query, 'page', 1));
    const limit = Math.min(
      Math.max(1, intArg(query, 'limit', DEFAULT_LIMIT)),
      manifest ? MAX_MANIFEST_LIMIT : MAX_PAYLOAD_LIMIT,
    );
    const includeEmbeddings = (query.get('include_embeddings') ?? 'true').toLowerCase() !== 'false';
    const server = analysis.resolveServer(query.get('server') ?? query.get('server_id'));
    if (server === undefined)
      return { ...flaskJson(400, { error: 'Invalid server selection.' }), note: 'unknown-server' };

    const analysed = analysis.analysed();
    const offset = (page - 1) * limit;
    if (manifest) {
      const indexes = analysed.slice(offset, offset + limit);
      const tracks = indexes.map((index) => {
        const features = analysis.features(index);
        return { id: analysis.providerIdOf(index, server), fp: features === null ? '' : analysisFingerprint(features) };
      });
      return envelope(tracks, analysed.length, offset + indexes.length < analysed.length, page);
    }

    const ids = query.get('ids');
    if (ids !== null) {
      const wanted = new Set<number>();
      for (const id of ids
        .split(',')
        .filter((part) => part !== '')
        .slice(0, MAX_PAYLOAD_LIMIT)) {
        const index = analysis.trackIndexOf(id, server);
        if (index !== undefined) wanted.add(index);
      }
      const rows = [...wanted].sort((a, b) => a - b).flatMap((index) => row(index, server, includeEmbeddings) ?? []);
      return flaskJson(200, {
        tracks: rows,
        total_tracks: rows.length,
        provider_type: 'plex',
        has_more: false,
        next_page: null,
      });
    }

    const indexes = analysed.slice(offset, offset + limit);
    const rows = indexes.flatMap((index) => row(index, server, includeEmbeddings) ?? []);
    return envelope(rows, analysed.length, offset + indexes.length < analysed.length, page);
  };
}
