// Small helpers shared by the simulator tests.

/** A clock the test moves by hand, so rate-limit windows and token expiry need no waiting. */
export class ManualClock {
  constructor(public time = 1_800_000_000_000) {}

  now = (): number => this.time;

  advance(ms: number): void {
    this.time += ms;
  }
}

export async function getJson(
  url: string,
  init: RequestInit = {},
): Promise<{ status: number; headers: Headers; body: unknown }> {
  const response = await fetch(url, init);
  const raw = await response.text();
  let body: unknown = raw;
  try {
    body = JSON.parse(raw);
  } catch {
    // Not JSON: keep the text so the assertion shows what came back.
  }
  return { status: response.status, headers: response.headers, body };
}

/** Narrows unknown JSON for property access in assertions. */
export function record(value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`expected an object, got ${JSON.stringify(value)}`);
  }
  return value as Record<string, unknown>;
}

export function list(value: unknown): unknown[] {
  if (!Array.isArray(value)) throw new Error(`expected an array, got ${JSON.stringify(value)}`);
  return value;
}

export const USER_AGENT = 'linernotes-tests/0.1 ( tests@example.invalid )';
