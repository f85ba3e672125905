// The statistics half of the page: a card per table, the top genres, the sources and the providers.
import { fill, h } from './dom.js';
import { ago, count, percent, PROVIDER_NAMES, rate, sourceLabel } from './format.js';

/** A horizontal bar split into fresh, expiring soon and expired, with a legend under it. */
function freshnessBar(table) {
  const { total, fresh, expiringSoon, expired } = table;
  const freshOnly = Math.max(0, fresh - expiringSoon);
  const share = (value) => (total > 0 ? `${(100 * value) / total}%` : '0%');
  return h(
    'div',
    { class: 'freshness' },
    h(
      'div',
      {
        class: 'stack',
        role: 'img',
        'aria-label': `${count(fresh)} fresh, ${count(expiringSoon)} expiring soon, ${count(expired)} expired`,
      },
      h('span', { class: 'seg seg-fresh', style: { width: share(freshOnly) } }),
      h('span', { class: 'seg seg-soon', style: { width: share(expiringSoon) } }),
      h('span', { class: 'seg seg-expired', style: { width: share(expired) } }),
    ),
    h(
      'dl',
      { class: 'legend' },
      legendItem('fresh', fresh, 'dot-fresh', 'fresh'),
      legendItem('expiring soon', expiringSoon, 'dot-soon', 'expiring-soon'),
      legendItem('expired', expired, 'dot-expired', 'expired'),
    ),
  );
}

function legendItem(label, value, dot, stat) {
  return h(
    'div',
    {},
    h('dt', {}, h('span', { class: `dot ${dot}`, 'aria-hidden': 'true' }), label),
    h('dd', { 'data-stat': stat }, count(value)),
  );
}

function tiers(byTier) {
  return h(
    'p',
    { class: 'tiers' },
    h('span', { class: 'tier tier-hot', title: 'read in the last HOT_TIER_DAYS' }, `hot ${count(byTier.hot)}`),
    h('span', { class: 'tier tier-warm' }, `warm ${count(byTier.warm)}`),
    h('span', { class: 'tier tier-cold' }, `cold ${count(byTier.cold)}`),
  );
}

function tableCard(id, title, table, extra) {
  return h(
    'article',
    { class: 'card table-card', 'data-table': id, 'aria-labelledby': `card-${id}` },
    h('h3', { id: `card-${id}` }, title),
    h('p', { class: 'big' }, h('span', { 'data-stat': 'total' }, count(table.total)), h('small', {}, ' entries')),
    freshnessBar(table),
    tiers(table.byTier),
    extra,
  );
}

function smallCard(id, title, value, note) {
  return h(
    'article',
    { class: 'card small-card', 'data-table': id },
    h('h3', {}, title),
    h('p', { class: 'big' }, h('span', { 'data-stat': 'total' }, value)),
    note ? h('p', { class: 'muted' }, note) : null,
  );
}

export function renderCards(container, stats, jobRunsTotal) {
  const hitRate = stats.reads.sinceStart.hitRate;
  fill(
    container,
    tableCard('artists', 'Artists', stats.artists),
    tableCard('albums', 'Albums', stats.albums),
    tableCard(
      'tracks',
      'Tracks',
      stats.tracks,
      stats.tracks.total === 0
        ? // The warms fetch artists and albums only; tracks come from Plex with their statistics.
          h('p', { class: 'muted', 'data-hint': 'tracks' }, 'none yet: tracks come from the Track statistics job')
        : h(
            'p',
            { class: 'muted' },
            `play statistics: ${count(stats.tracks.statsTier.fresh)} fresh, ${count(stats.tracks.statsTier.expired)} expired`,
          ),
    ),
    smallCard('audio-features', 'Audio features', count(stats.audioFeatures.total), 'tracks analysed by AudioMuse'),
    smallCard(
      'reads',
      'API hit rate',
      hitRate === null ? '–' : percent(hitRate, 1),
      `${count(stats.reads.sinceStart.reads)} reads since start`,
    ),
    smallCard('job-runs', 'Job runs', count(jobRunsTotal), 'in the history'),
  );
}

/** Label, a bar proportional to the largest value, and the value: one row of a chart. */
function barRow(label, value, max, className) {
  const width = max > 0 ? `${Math.max(1, (100 * value) / max)}%` : '0%';
  return h(
    'li',
    { class: `bar-row ${className}` },
    h('span', { class: 'bar-label', title: label }, label),
    h('span', { class: 'bar-track', 'aria-hidden': 'true' }, h('span', { class: 'bar-fill', style: { width } })),
    h('span', { class: 'bar-value' }, count(value)),
  );
}

function barList(rows, emptyText, className) {
  if (rows.length === 0) return h('p', { class: 'empty' }, emptyText);
  const max = Math.max(...rows.map((row) => row.value));
  return h(
    'ol',
    { class: 'bars' },
    rows.map((row) => barRow(row.label, row.value, max, className)),
  );
}

export function renderGenres(container, stats, table) {
  const genres = stats[table].topGenres.map((item) => ({ label: item.genre, value: item.count }));
  fill(container, barList(genres, `No ${table} cached yet: warm the cache to see their genres.`, 'genre'));
}

export function renderSources(container, stats) {
  const section = (title, table) =>
    h(
      'div',
      { class: 'sources' },
      h('h3', {}, title),
      barList(
        table.bySource.slice(0, 6).map((item) => ({ label: sourceLabel(item.source), value: item.count })),
        'nothing cached yet',
        'source',
      ),
    );
  fill(container, section('Artists', stats.artists), section('Albums', stats.albums));
}

function notFound(provider) {
  return provider.errorsByKind.find((item) => item.kind === 'not-found')?.count ?? 0;
}

/** A provider that refused our credentials for good: why, since when, and how the pause ends. */
function pauseRow(provider) {
  const { pause } = provider;
  return h(
    'tr',
    { class: 'pause-reason' },
    h(
      'td',
      { colspan: '8' },
      h('strong', {}, `${PROVIDER_NAMES[provider.provider] ?? provider.provider} paused`),
      ` ${ago(pause.since)}: ${pause.reason}. Tried again ${new Date(pause.retryAt).toLocaleString()}, or at once with `,
      h('code', {}, `linernotes providers resume ${provider.provider}`),
      ' once the key or subscription is fixed.',
    ),
  );
}

export function renderProviders(container, stats) {
  const rows = stats.providers.flatMap((provider) => [
    h(
      'tr',
      { class: provider.pause ? 'paused' : provider.configured ? '' : 'off' },
      h('th', { scope: 'row' }, PROVIDER_NAMES[provider.provider] ?? provider.provider),
      h('td', { 'data-label': 'requests' }, provider.configured ? count(provider.requests) : 'not configured'),
      // "Not found" is an answer (Last.fm knows no such artist), not a failure: counted apart.
      h('td', { 'data-label': 'not found' }, count(notFound(provider))),
      h('td', { 'data-label': 'errors' }, count(provider.errors - notFound(provider))),
      h('td', { 'data-label': 'rate limited' }, count(provider.rateLimited)),
      h('td', { 'data-label': 'limit' }, provider.currentRate === null ? '–' : rate(provider.currentRate)),
      h('td', { 'data-label': 'p50' }, provider.latency?.p50Ms == null ? '–' : `${count(provider.latency.p50Ms)} ms`),
      h(
        'td',
        { 'data-label': 'breaker' },
        provider.pause
          ? h('span', { class: 'breaker breaker-paused', title: provider.pause.reason }, 'paused')
          : h(
              'span',
              { class: `breaker breaker-${provider.breaker.toLowerCase()}` },
              provider.breaker.toLowerCase().replace('_', ' '),
            ),
      ),
    ),
    ...(provider.pause ? [pauseRow(provider)] : []),
  ]);
  fill(container, ...rows);
}
