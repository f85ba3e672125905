// Fault injection, switchable while a simulator runs: latency, an error rate, 5xx, stalls longer than a client's
// timeout, malformed and truncated bodies, connection resets, and one-shot faults for deterministic tests.
import { Rng, seedNumber } from './random.ts';

export type FaultKind =
  /** An HTTP error in the provider's own error format (default 500). */
  | 'status'
  /** The provider's own transient API error: Last.fm answers error 16 (or `code`) inside HTTP 200; others a 503. */
  | 'api-error'
  /** Accepts the request and answers nothing for `stallMs` (past any sane client timeout). */
  | 'stall'
  /** HTTP 200 whose body is not what the endpoint returns: an HTML error page from a proxy. */
  | 'malformed'
  /** HTTP 200 with the real body cut in half (ends cleanly, so only the parse fails). */
  | 'truncated'
  /** The connection is destroyed before any response. */
  | 'reset';

export interface Fault {
  kind: FaultKind;
  /** For `status`: the HTTP status. */
  status?: number;
  /** For `api-error`: the provider's error code (Last.fm: 8, 11, 16, 29…). */
  code?: number;
}

export interface FaultSettings {
  /** Added before every answer: a fixed delay, or a [min, max] range. */
  latencyMs?: number | readonly [number, number];
  /** Share (0-1) of requests that get one of `errors`. */
  errorRate?: number;
  /** The faults drawn from when `errorRate` hits; default a plain 500. */
  errors?: readonly Fault[];
  /** How long a stall holds a request. Default 120 s. */
  stallMs?: number;
  /** Only requests whose path matches are touched (latency included). */
  paths?: RegExp;
  /** Seed for the error and latency draws, so a run with faults is reproducible. */
  seed?: number | string;
}

export interface FaultDecision {
  fault?: Fault;
  latencyMs: number;
  stallMs: number;
}

const DEFAULT_STALL_MS = 120_000;

export class FaultInjector {
  private settings: FaultSettings;
  private rng: Rng;
  private readonly queued: Fault[] = [];

  constructor(initial: FaultSettings = {}) {
    this.settings = { ...initial };
    this.rng = new Rng(seedNumber(initial.seed ?? 'faults'));
  }

  /** Merges into the current settings; `undefined` values switch that fault off. */
  set(settings: Partial<FaultSettings>): void {
    this.settings = { ...this.settings, ...settings };
    if (settings.seed !== undefined) this.rng = new Rng(seedNumber(settings.seed));
  }

  /** Everything off, one-shot faults included. */
  reset(): void {
    this.settings = {};
    this.queued.length = 0;
  }

  /** The next `count` matching requests get this fault, whatever the error rate. */
  failNext(fault: Fault | FaultKind, count = 1): void {
    const resolved = typeof fault === 'string' ? { kind: fault } : fault;
    for (let i = 0; i < count; i++) this.queued.push(resolved);
  }

  get current(): Readonly<FaultSettings> {
    return this.settings;
  }

  get pending(): number {
    return this.queued.length;
  }

  decide(path: string): FaultDecision {
    const settings = this.settings;
    const stallMs = settings.stallMs ?? DEFAULT_STALL_MS;
    if (settings.paths !== undefined && !settings.paths.test(path)) return { latencyMs: 0, stallMs };
    const latency = settings.latencyMs;
    const latencyMs =
      latency === undefined
        ? 0
        : typeof latency === 'number'
          ? latency
          : latency[0] + this.rng.next() * (latency[1] - latency[0]);
    const queued = this.queued.shift();
    if (queued !== undefined) return { fault: queued, latencyMs, stallMs };
    const rate = settings.errorRate ?? 0;
    if (rate > 0 && this.rng.next() < rate) {
      const errors = settings.errors ?? [{ kind: 'status', status: 500 }];
      if (errors.length > 0) return { fault: this.rng.pick(errors), latencyMs, stallMs };
    }
    return { latencyMs, stallMs };
  }
}

/** What a misbehaving proxy in front of the provider sends: HTML where JSON was expected. */
export const MALFORMED_BODY =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n';
