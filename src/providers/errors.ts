import type { ProviderErrorKind, ProviderName } from '../types.ts';

/**
 * Why a request failed, finer than `kind`. The breaker counts only the codes that say the provider
 * itself is unwell; a provider that answered "not found" is healthy.
 */
export type ProviderErrorCode =
  | 'network'
  | 'timeout'
  | 'server-error'
  | 'http-status'
  | 'rate-limit'
  | 'quota'
  | 'circuit-open'
  | 'invalid-body'
  | 'api-error'
  | 'auth'
  | 'not-found'
  | 'not-configured'
  /** The provider refused our credentials for good (bad or suspended key, app owner without Premium): paused. */
  | 'paused';

const TRANSIENT_CODES: ReadonlySet<ProviderErrorCode> = new Set(['network', 'timeout', 'server-error']);

// Secrets are registered process-wide because an error can be built far from the client that knows them
// (a ky hook, a zod issue, a Node network error), and every ProviderError message passes through here.
const secrets = new Set<string>();
// Shorter values would redact ordinary words; such secrets are still caught by the parameter patterns.
const MIN_SECRET_LENGTH = 4;

export function registerSecret(value: string | undefined): void {
  if (value === undefined || value.length < MIN_SECRET_LENGTH) return;
  secrets.add(value);
  const encoded = encodeURIComponent(value);
  if (encoded !== value) secrets.add(encoded);
}

export function forgetSecret(value: string | undefined): void {
  if (value === undefined) return;
  secrets.delete(value);
  secrets.delete(encodeURIComponent(value));
}

const SECRET_PARAMETER = /((?:api_key|apikey|x-plex-token|access_token|client_secret|token|secret)=)[^&\s"']*/gi;
const SECRET_HEADER = /((?:authorization|x-plex-token)\s*[:=]\s*)(?:(?:bearer|basic)\s+)?[^\s,;"']+/gi;
const SCHEME_CREDENTIALS = /\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi;

/** Removes every registered secret and anything that looks like a credential parameter or header. */
export function redact(text: string): string {
  let result = text;
  for (const secret of secrets) result = result.split(secret).join('[redacted]');
  return result
    .replace(SECRET_PARAMETER, '$1[redacted]')
    .replace(SECRET_HEADER, '$1[redacted]')
    .replace(SCHEME_CREDENTIALS, '$1 [redacted]');
}

/** A URL fit for a log line or an error message: no credentials in it, whatever the provider. */
export function safeUrl(url: string): string {
  return redact(url);
}

export interface ProviderErrorInit {
  provider: ProviderName;
  kind: ProviderErrorKind;
  message: string;
  code?: ProviderErrorCode;
  retryAt?: Date;
  status?: number;
  operation?: string;
}

export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  readonly provider: ProviderName;
  readonly kind: ProviderErrorKind;
  readonly code: ProviderErrorCode | undefined;
  readonly retryAt: Date | undefined;
  readonly status: number | undefined;
  readonly operation: string | undefined;

  constructor(init: ProviderErrorInit) {
    const where = init.operation ? `${init.provider} ${init.operation}` : init.provider;
    super(redact(`${where}: ${init.message}`));
    this.provider = init.provider;
    this.kind = init.kind;
    this.code = init.code;
    this.retryAt = init.retryAt;
    this.status = init.status;
    this.operation = init.operation;
  }

  /** True when the provider itself looks unwell (network, timeout, 5xx): what the breaker counts. */
  get transient(): boolean {
    return this.code !== undefined && TRANSIENT_CODES.has(this.code);
  }

  /** A plain object for logs and the API; never carries a cause, whose text could hold a URL with a key. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      provider: this.provider,
      kind: this.kind,
      code: this.code,
      status: this.status,
      operation: this.operation,
      retryAt: this.retryAt?.toISOString(),
      message: this.message,
    };
  }
}

export function isProviderError(error: unknown): error is ProviderError {
  return error instanceof ProviderError;
}

const CONFIGURATION_HINTS: Record<ProviderName, string> = {
  plex: 'set PLEX_URL and PLEX_TOKEN',
  lastfm: 'set LASTFM_API_KEY',
  musicbrainz: 'MUSICBRAINZ_ENABLED is false',
  spotify: 'set SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET',
  audiomuse: 'set AUDIOMUSE_URL (and AUDIOMUSE_TOKEN when its auth is on)',
};

export function notConfiguredError(provider: ProviderName): ProviderError {
  return new ProviderError({
    provider,
    kind: 'not-configured',
    code: 'not-configured',
    message: `not configured (${CONFIGURATION_HINTS[provider]})`,
  });
}
