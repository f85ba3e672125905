// Numbers, durations and names as the dashboard shows them.

const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

export function count(value) {
  return integer.format(value ?? 0);
}

export function rate(value) {
  return value === null || value === undefined ? '–' : `${oneDecimal.format(value)}/s`;
}

export function percent(part, whole) {
  return whole > 0 ? `${oneDecimal.format((100 * part) / whole)}%` : '–';
}

/** 42 s, 3 min 5 s, 2 h 10 min. */
export function duration(seconds) {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '–';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
  const minutes = Math.floor((s % 3600) / 60);
  return `${Math.floor(s / 3600)} h${minutes ? ` ${minutes} min` : ''}`;
}

export function runDuration(run, now = Date.now()) {
  if (!run.startedAt) return '–';
  const end = run.finishedAt ? Date.parse(run.finishedAt) : now;
  return duration((end - Date.parse(run.startedAt)) / 1000);
}

/** "3 minutes ago", "yesterday". */
export function ago(iso, now = Date.now()) {
  if (!iso) return '–';
  const seconds = (Date.parse(iso) - now) / 1000;
  const steps = [
    [60, 'second'],
    [3600, 'minute', 60],
    [86_400, 'hour', 3600],
    [Number.POSITIVE_INFINITY, 'day', 86_400],
  ];
  for (const [limit, unit, size = 1] of steps) {
    if (Math.abs(seconds) < limit) return relative.format(Math.round(seconds / size), unit);
  }
  return new Date(iso).toLocaleString();
}

const KIND_LABELS = {
  'cache-warm': 'Warm artists',
  'cache-warm-albums': 'Warm albums',
  'cache-refresh': 'Refresh expiring',
  'track-stats-refresh': 'Track statistics',
  'track-static-refresh': 'Track metadata',
  'audio-features-sync': 'Audio features',
  'cache-remerge': 'Re-merge genres',
};

/** A job kind as its task name (`cache-warm`), whether the API spelled it so or in enum style (CACHE_WARM). */
export function taskName(kind) {
  return String(kind).toLowerCase().replace(/_/g, '-');
}

export function kindLabel(kind) {
  return KIND_LABELS[taskName(kind)] ?? kind;
}

/** RUNNING → running. */
export function statusLabel(status) {
  return String(status).toLowerCase();
}

/** `plex,lastfm` → `Plex + Last.fm`. */
const SOURCE_NAMES = {
  plex: 'Plex',
  lastfm: 'Last.fm',
  musicbrainz: 'MusicBrainz',
  spotify: 'Spotify',
  artist: 'artist genres',
  none: 'nobody knew',
};

export function sourceLabel(source) {
  return source
    .split(',')
    .map((part) => SOURCE_NAMES[part] ?? part)
    .join(' + ');
}

export const PROVIDER_NAMES = {
  PLEX: 'Plex',
  LASTFM: 'Last.fm',
  MUSICBRAINZ: 'MusicBrainz',
  SPOTIFY: 'Spotify',
  AUDIOMUSE: 'AudioMuse',
};
