// Counts the SQL statements a pool sends (every client it hands out, pool.query included), for the
// N+1 test. Counting happens between start() and stop(); other users of the pool in that window count too.
import type pg from 'pg';

export interface StatementCounter {
  start(): void;
  stop(): string[];
}

export function countStatements(pool: pg.Pool): StatementCounter {
  let recording: string[] | undefined;
  const wrapped = new WeakSet<pg.PoolClient>();
  pool.on('acquire', (client) => {
    if (wrapped.has(client)) return;
    wrapped.add(client);
    const original = client.query.bind(client) as (...args: unknown[]) => unknown;
    // pg's query has many overloads; the wrapper only notes the text and passes everything on.
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const first = args[0];
      const text =
        typeof first === 'string'
          ? first
          : typeof first === 'object' && first !== null && 'text' in first
            ? String(first.text)
            : '?';
      recording?.push(text.replace(/\s+/g, ' ').trim());
      return original(...args);
    };
  });
  return {
    start: () => {
      recording = [];
    },
    stop: () => {
      const statements = recording ?? [];
      recording = undefined;
      return statements;
    },
  };
}
