// The dashboard: statistics and history over HTTP, live runs over graphql-ws, job buttons as mutations.
// Everything it shows comes from the public GraphQL API, the same one other apps use.
import { fill, h } from './dom.js';
import { kindLabel, taskName } from './format.js';
import { createApi, GraphQLRequestError } from './graphql.js';
import {
  ACTIVE_RUNS_QUERY,
  CANCEL_MUTATION,
  COVERAGE_QUERY,
  DASHBOARD_QUERY,
  JOBS,
  RUN_EVENTS_SUBSCRIPTION,
  RUN_PROGRESS_SUBSCRIPTION,
} from './operations.js';
import { renderHistory, runCard } from './render-runs.js';
import { renderCoverage } from './render-coverage.js';
import { renderHealth } from './render-health.js';
import { renderCards, renderGenres, renderProviders, renderSources } from './render-stats.js';
import { askForToken, forgetToken, storedToken } from './token.js';

const HISTORY_SIZE = 15;
const TOP_GENRES = 12;
// While runs report progress, the counts are re-read at most this often (cacheStats is a few queries).
const REFRESH_INTERVAL_MS = 2_000;
// With nothing running, other processes (a CLI warm, another API) may still change the cache.
const IDLE_REFRESH_MS = 30_000;
// Coverage counts every entry and raw tag: read at start and then this seldom.
const COVERAGE_REFRESH_MS = 300_000;
const COVERAGE_TAGS = 8;

const elements = {
  connection: document.getElementById('connection'),
  updated: document.getElementById('updated'),
  notice: document.getElementById('notice'),
  buttons: document.getElementById('job-buttons'),
  runs: document.getElementById('active-runs'),
  cards: document.getElementById('cards'),
  genres: document.getElementById('genres-chart'),
  genreTabs: document.getElementById('genre-tabs'),
  sources: document.getElementById('sources'),
  providers: document.getElementById('providers-body'),
  health: document.getElementById('health-body'),
  coverage: document.getElementById('coverage'),
  history: document.getElementById('history-body'),
};

const state = {
  stats: null,
  history: [],
  genreTable: 'artists',
  /** run id → { run, element, unsubscribe } for every run that has a card. */
  runs: new Map(),
  /** The "… queued (#id)." notice on show, replaced once that run is running. */
  queuedNotice: null,
};

const api = createApi({ token: storedToken, onConnection: showConnection });

// ---- notices and connection state ----

function notify(message, tone = 'info') {
  elements.notice.textContent = message;
  elements.notice.dataset.tone = tone;
  elements.notice.hidden = !message;
}

let wasOffline = false;
function showConnection(connection) {
  elements.connection.dataset.state = connection;
  elements.connection.textContent = { connecting: 'connecting…', live: 'live', offline: 'reconnecting…' }[connection];
  if (connection === 'offline') wasOffline = true;
  if (connection === 'live' && wasOffline) {
    // linernotes may have restarted: what the page shows could be stale.
    wasOffline = false;
    requestRefresh();
  }
}

// ---- reading: statistics and history, throttled ----

/** Runs `read`; when READ_TOKEN refuses it, asks for the token once and tries again. */
async function withReadAccess(read) {
  try {
    return await read();
  } catch (error) {
    if (!(error instanceof GraphQLRequestError) || !error.needsToken) throw error;
    if (error.reason === 'WRONG_TOKEN') forgetToken();
    const token = await askForToken('READ');
    if (!token) throw error;
    api.reconnect();
    return await read();
  }
}

async function refresh() {
  const data = await withReadAccess(() =>
    api.request(DASHBOARD_QUERY, { topGenres: TOP_GENRES, history: HISTORY_SIZE }),
  );
  state.stats = data.cacheStats;
  state.history = data.jobRuns.nodes;
  renderCards(elements.cards, state.stats, data.jobRuns.totalCount);
  renderGenres(elements.genres, state.stats, state.genreTable);
  renderSources(elements.sources, state.stats);
  renderProviders(elements.providers, state.stats);
  renderHealth(elements.health, data.providerHealth);
  renderHistory(elements.history, state.history);
  elements.updated.textContent = `updated ${new Date(state.stats.at).toLocaleTimeString()}`;
  elements.updated.dateTime = state.stats.at;
}

let refreshing = false;
let refreshPending = false;
let refreshTimer;
let lastRefreshAt = 0;

/** A refresh soon: never two at once, and not more often than REFRESH_INTERVAL_MS. */
function requestRefresh() {
  if (refreshing) {
    refreshPending = true;
    return;
  }
  if (refreshTimer !== undefined) return;
  const wait = Math.max(0, lastRefreshAt + REFRESH_INTERVAL_MS - Date.now());
  refreshTimer = setTimeout(async () => {
    refreshTimer = undefined;
    refreshing = true;
    lastRefreshAt = Date.now();
    try {
      await refresh();
      if (elements.notice.dataset.tone === 'offline') notify('');
    } catch (error) {
      notify(`Cannot read the statistics: ${error.message}. Retrying…`, 'offline');
    } finally {
      refreshing = false;
      if (refreshPending) {
        refreshPending = false;
        requestRefresh();
      }
    }
  }, wait);
}

// ---- live runs ----

function renderRun(entry) {
  const card = runCard(entry.run, { cancel: cancelRun, dismiss: dismissRun });
  if (entry.element) entry.element.replaceWith(card);
  else elements.runs.prepend(card);
  entry.element = card;
}

function dismissRun(run) {
  const entry = state.runs.get(run.id);
  if (!entry) return;
  entry.unsubscribe?.();
  entry.element?.remove();
  state.runs.delete(run.id);
}

/** Follows a run with jobRunProgress: its state now, then every change until it ends. */
function follow(id) {
  if (state.runs.has(id)) return;
  const entry = { run: null, element: null, unsubscribe: null };
  state.runs.set(id, entry);
  entry.unsubscribe = api.subscribe(
    RUN_PROGRESS_SUBSCRIPTION,
    { id },
    {
      next: (data) => {
        const run = data.jobRunProgress;
        if (!entry.run) {
          // A new run of a kind replaces that kind's finished card.
          for (const other of [...state.runs.values()]) {
            if (other !== entry && other.run?.isFinal && taskName(other.run.kind) === taskName(run.kind))
              dismissRun(other.run);
          }
        }
        // The card changes a few times a second, too often for a live region; the notice (role=status)
        // announces the end instead.
        if (run.isFinal && entry.run && !entry.run.isFinal) {
          notify(
            `${kindLabel(run.kind)} #${run.id} ${run.status.toLowerCase()}.`,
            run.status === 'FAILED' ? 'error' : 'info',
          );
        }
        // The "queued" notice of this run says what is true once the worker has taken it.
        if (
          !run.isFinal &&
          run.status !== 'QUEUED' &&
          state.queuedNotice?.id === run.id &&
          elements.notice.textContent === state.queuedNotice.text
        ) {
          notify(`${kindLabel(run.kind)} ${run.status.toLowerCase()} (#${run.id}).`);
          state.queuedNotice = null;
        }
        entry.run = run;
        renderRun(entry);
        requestRefresh();
      },
      complete: () => requestRefresh(),
      error: (error) => {
        if (!entry.run) state.runs.delete(id);
        notify(`Lost run #${id}: ${error.message}`, 'error');
      },
    },
  );
}

async function cancelRun(run) {
  const cancelled = await mutate(CANCEL_MUTATION, { id: run.id }, 'cancelJobRun');
  if (!cancelled) return;
  const entry = state.runs.get(run.id);
  if (entry && !entry.run?.isFinal) {
    entry.run = cancelled;
    renderRun(entry);
  }
  notify(`Cancel requested for ${kindLabel(run.kind)} #${run.id}.`);
}

// ---- mutations ----

/**
 * Sends a mutation and resolves with its result, or null after showing why it failed. When the server
 * refuses it for want of a (right) token, asks for the token and sends it again.
 */
async function mutate(query, variables, field) {
  for (;;) {
    try {
      const data = await api.request(query, variables);
      return data[field];
    } catch (error) {
      if (!(error instanceof GraphQLRequestError) || !error.needsToken) {
        notify(error.message, 'error');
        return null;
      }
      if (error.reason === 'WRONG_TOKEN') forgetToken();
      const token = await askForToken(error.reason);
      if (!token) {
        notify('Not started: the server needs an API token.', 'error');
        return null;
      }
      api.reconnect();
    }
  }
}

async function startJob(job, button) {
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    const run = await mutate(job.mutation, { input: {} }, job.field);
    if (!run) return;
    // A new run is answered as the mutation inserted it, QUEUED; the run of that kind already active
    // (the API returns it instead of starting another) is most often RUNNING by then.
    const fresh = run.status === 'QUEUED';
    const text = fresh
      ? `${job.label} queued (#${run.id}).`
      : `${job.label} is already ${run.status.toLowerCase()} (#${run.id}).`;
    notify(text);
    state.queuedNotice = fresh ? { id: run.id, text } : null;
    follow(run.id);
    requestRefresh();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}

// ---- start ----

function renderButtons() {
  fill(
    elements.buttons,
    JOBS.map((job) => {
      const button = h(
        'button',
        { type: 'button', class: 'job-button', 'data-job': job.id, title: job.hint },
        job.label,
      );
      button.addEventListener('click', () => void startJob(job, button));
      return button;
    }),
  );
}

function wireGenreTabs() {
  for (const tab of elements.genreTabs.querySelectorAll('button')) {
    tab.addEventListener('click', () => {
      state.genreTable = tab.dataset.table;
      for (const other of elements.genreTabs.querySelectorAll('button'))
        other.setAttribute('aria-pressed', String(other === tab));
      if (state.stats) renderGenres(elements.genres, state.stats, state.genreTable);
    });
  }
}

async function followActiveRuns() {
  const data = await withReadAccess(() => api.request(ACTIVE_RUNS_QUERY));
  for (const run of [...data.queued.nodes, ...data.running.nodes]) follow(run.id);
}

async function start() {
  renderButtons();
  wireGenreTabs();
  // The statistics first: when READ_TOKEN guards them, this is where the token is asked for, before
  // the subscriptions need it too.
  try {
    await withReadAccess(refresh);
  } catch (error) {
    notify(`Cannot read the statistics: ${error.message}`, 'error');
    if (error instanceof GraphQLRequestError && error.code === 'NOT_ALLOWED') return;
  }
  // Events first, then the runs active now: a run that starts in between is seen by one or the other.
  api.subscribe(
    RUN_EVENTS_SUBSCRIPTION,
    {},
    {
      next: (data) => {
        const event = data.jobRunEvents;
        if (!event.final) follow(event.runId);
        requestRefresh();
      },
      error: (error) => notify(`Live updates stopped: ${error.message}`, 'error'),
    },
  );
  followActiveRuns().catch((error) => notify(`Cannot read the running jobs: ${error.message}`, 'error'));
  const readCoverage = () =>
    api
      .request(COVERAGE_QUERY, { tagLimit: COVERAGE_TAGS })
      .then((data) => renderCoverage(elements.coverage, data.coverage))
      .catch((error) =>
        fill(elements.coverage, h('p', { class: 'muted' }, `Cannot read the coverage: ${error.message}`)),
      );
  void readCoverage();
  setInterval(readCoverage, COVERAGE_REFRESH_MS);
  setInterval(requestRefresh, IDLE_REFRESH_MS);
  // "3 minutes ago" goes stale without new data.
  setInterval(() => renderHistory(elements.history, state.history), IDLE_REFRESH_MS);
}

void start();
