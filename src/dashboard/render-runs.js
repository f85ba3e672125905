// The runs half of the page: a live card per followed run (progress bar, rate, ETA, source counts,
// cancel) and the job history table.
import { fill, h } from './dom.js';
import { ago, count, duration, kindLabel, rate, runDuration, statusLabel, taskName } from './format.js';

function statusBadge(status) {
  return h(
    'span',
    { class: `badge badge-${statusLabel(status)}`, 'data-status': statusLabel(status) },
    statusLabel(status),
  );
}

/** `{ plex: 40, lastfm: 38, cached: 2 }` as chips, biggest first. */
function sourceChips(sourceCounts) {
  const entries = Object.entries(sourceCounts ?? {})
    .filter(([, value]) => typeof value === 'number' && value > 0)
    .sort((a, b) => b[1] - a[1]);
  if (entries.length === 0) return null;
  return h(
    'ul',
    { class: 'chips', 'aria-label': 'items per source' },
    entries.map(([name, value]) =>
      h('li', { class: `chip chip-${name}`, 'data-source': name }, `${name} ${count(value)}`),
    ),
  );
}

function progressBar(run) {
  const { current, total } = run.progress;
  // A run that ended with nothing to do (total 0) is complete, not "still counting".
  const known = total > 0 || run.isFinal;
  const share = total > 0 ? Math.min(100, (100 * current) / total) : run.isFinal ? 100 : 0;
  return h(
    'div',
    {
      class: `progress ${known ? '' : 'progress-unknown'} progress-${statusLabel(run.status)}`,
      role: 'progressbar',
      'aria-label': `${kindLabel(run.kind)} progress`,
      'aria-valuemin': 0,
      'aria-valuemax': known ? total : null,
      'aria-valuenow': known ? current : null,
      'aria-valuetext': known ? `${count(current)} of ${count(total)}` : 'counting',
    },
    h('span', { class: 'progress-fill', style: { width: `${share}%` } }),
  );
}

function progressLine(run) {
  const { current, total, rate: itemsPerSecond, etaSeconds } = run.progress;
  const parts = [total > 0 ? `${count(current)} / ${count(total)}` : `${count(current)} done`];
  if (!run.isFinal) {
    if (itemsPerSecond !== null) parts.push(rate(itemsPerSecond));
    if (etaSeconds !== null) parts.push(`ETA ${duration(etaSeconds)}`);
  } else {
    parts.push(`took ${runDuration(run)}`);
  }
  return h('p', { class: 'progress-line' }, parts.join(' · '));
}

/**
 * The card of one run; `actions.cancel(run)` and `actions.dismiss(run)` are the buttons.
 * Rebuilt on every event: a few a second at most, and a card is a handful of elements.
 */
export function runCard(run, actions) {
  const cancelling = run.cancelRequested && !run.isFinal;
  return h(
    'article',
    {
      class: `run-card run-${statusLabel(run.status)}`,
      'data-run-id': run.id,
      'data-kind': taskName(run.kind),
      'data-status': statusLabel(run.status),
    },
    h(
      'header',
      {},
      h('h3', {}, kindLabel(run.kind), h('span', { class: 'run-id' }, ` #${run.id}`)),
      statusBadge(run.status),
    ),
    progressBar(run),
    progressLine(run),
    sourceChips(run.sourceCounts),
    run.message ? h('p', { class: 'run-message' }, run.message) : null,
    run.error ? h('p', { class: 'run-error' }, run.error) : null,
    h(
      'div',
      { class: 'run-actions' },
      run.isFinal
        ? h('button', { type: 'button', class: 'link', onclick: () => actions.dismiss(run) }, 'Dismiss')
        : h(
            'button',
            { type: 'button', class: 'danger', disabled: cancelling, onclick: () => actions.cancel(run) },
            cancelling ? 'Cancelling…' : 'Cancel',
          ),
    ),
  );
}

export function renderHistory(tbody, runs) {
  if (runs.length === 0) {
    fill(tbody, h('tr', {}, h('td', { colspan: 7, class: 'empty' }, 'No runs yet: start one with the buttons above.')));
    return;
  }
  fill(
    tbody,
    ...runs.map((run) =>
      h(
        'tr',
        { 'data-run-id': run.id, 'data-kind': taskName(run.kind), 'data-status': statusLabel(run.status) },
        h('td', { 'data-label': 'run' }, `#${run.id}`),
        h('th', { scope: 'row', 'data-label': 'job' }, kindLabel(run.kind)),
        h('td', { 'data-label': 'status' }, statusBadge(run.status)),
        h('td', { 'data-label': 'trigger' }, statusLabel(run.trigger)),
        h(
          'td',
          { 'data-label': 'started', title: run.startedAt ?? run.createdAt },
          ago(run.startedAt ?? run.createdAt),
        ),
        h('td', { 'data-label': 'took' }, runDuration(run)),
        h(
          'td',
          { 'data-label': 'result', class: 'result' },
          run.error ??
            run.message ??
            (run.progress.total > 0 ? `${count(run.progress.current)} / ${count(run.progress.total)}` : ''),
        ),
      ),
    ),
  );
}
