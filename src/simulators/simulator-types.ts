// Options and handles every simulator shares.
import type { FaultInjector, FaultSettings } from './faults.ts';
import type { SyntheticLibrary } from './library.ts';
import type { RequestLog } from './request-log.ts';

export interface SimulatorBaseOptions {
  /** The library to serve; a default 40-artist library (seed 1) when absent. Share one across simulators. */
  library?: SyntheticLibrary;
  /** Where requests are logged; share one across simulators to see them all in order. */
  log?: RequestLog;
  /** Initial faults; change them at run time through the handle's `faults`. */
  faults?: FaultSettings;
  /** Clock in ms (rate-limit windows, token expiry, log times). Default Date.now. */
  now?: () => number;
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
}

export interface SimulatorHandle {
  /** Origin of the server, e.g. `http://127.0.0.1:41234`. */
  url: string;
  log: RequestLog;
  /** Switch latency, error rates, stalls and one-shot faults on and off while the simulator runs. */
  faults: FaultInjector;
  library: SyntheticLibrary;
  close(): Promise<void>;
}
