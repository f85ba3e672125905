// The provider health panel: every provider as the whole installation sees it (providerHealth), the
// breakers and waits of every live process and the last hour's counts of all of them.
import { fill, h } from './dom.js';
import { ago, count, PROVIDER_NAMES, rate } from './format.js';

const STATUS_LABELS = {
  OK: 'ok',
  DEGRADED: 'slowed down',
  FAILING: 'failing',
  PAUSED: 'paused',
  NOT_CONFIGURED: 'not configured',
};

function breakerText(health) {
  if (!health.configured) return '–';
  const state = health.breaker.toLowerCase().replace('_', ' ');
  return health.failingProcesses > 0 ? `${state} (${health.failingProcesses} of ${health.processes})` : state;
}

function rateText(health) {
  if (!health.configured) return '–';
  return health.budgetPerSecond === null
    ? rate(health.requestsPerSecond)
    : `${rate(health.requestsPerSecond)} of ${rate(health.budgetPerSecond)}`;
}

/** What holds a provider back and until when; the Spotify probe's finding when nothing does. */
function noteText(health) {
  if (health.pause) return `${health.pause.reason}; tried again ${ago(health.pause.retryAt)}`;
  if (health.resumesAt) return `resumes ${ago(health.resumesAt)}`;
  if (health.genres === 'UNAVAILABLE') return 'gives these credentials no genres';
  return '';
}

export function renderHealth(container, providers) {
  fill(
    container,
    ...providers.map((health) =>
      h(
        'tr',
        { class: health.configured ? '' : 'off', 'data-provider': health.provider.toLowerCase() },
        h('th', { scope: 'row' }, PROVIDER_NAMES[health.provider] ?? health.provider),
        h(
          'td',
          { 'data-label': 'status' },
          h('span', { class: `health health-${health.status.toLowerCase()}` }, STATUS_LABELS[health.status]),
        ),
        h(
          'td',
          { 'data-label': 'breaker' },
          h('span', { class: `breaker breaker-${health.breaker.toLowerCase()}` }, breakerText(health)),
        ),
        h('td', { 'data-label': 'rate' }, rateText(health)),
        h('td', { 'data-label': 'requests' }, count(health.lastHour.requests)),
        h('td', { 'data-label': '429s' }, count(health.lastHour.rateLimited)),
        h('td', { 'data-label': 'errors' }, count(health.lastHour.errors)),
        h('td', { 'data-label': 'note' }, noteText(health)),
      ),
    ),
  );
}
