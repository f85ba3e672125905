// One LISTEN connection per process, shared by every subscriber, reconnecting when it drops.
// pg-listen would fit, but it is unmaintained since 2021; this is the small part of it we need.
// Raw SQL: LISTEN has no Prisma API, and it needs a connection of its own outside the pool.
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import type { Logger } from '../logger.ts';

type Handler = (payload: string) => void;

export class NotificationListener {
  private client: pg.Client | undefined;
  private readonly handlers = new Map<string, Set<Handler>>();
  private connecting: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly connectionString: string,
    private readonly logger: Logger,
  ) {}

  /** Subscribes to a channel; resolves once LISTEN is in place. Returns the unsubscribe function. */
  async subscribe(channel: string, handler: Handler): Promise<() => void> {
    let set = this.handlers.get(channel);
    const isNewChannel = !set;
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
    }
    set.add(handler);
    await this.ensureConnected();
    if (isNewChannel && this.client) await this.client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    return () => {
      set.delete(handler);
    };
  }

  private ensureConnected(): Promise<void> {
    if (this.client) return Promise.resolve();
    this.connecting ??= this.connect().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async connect(): Promise<void> {
    for (let attempt = 0; !this.closed; attempt++) {
      const client = new pg.Client({ connectionString: this.connectionString });
      try {
        await client.connect();
        client.on('notification', (message) => {
          for (const handler of this.handlers.get(message.channel) ?? []) {
            try {
              handler(message.payload ?? '');
            } catch (error) {
              this.logger.error({ err: error, channel: message.channel }, 'notification handler failed');
            }
          }
        });
        client.on('error', (error) => {
          this.logger.warn({ err: error }, 'notification connection lost; reconnecting');
          this.client = undefined;
          client.end().catch(() => undefined);
          if (!this.closed) void this.ensureConnected();
        });
        for (const channel of this.handlers.keys()) await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
        this.client = client;
        return;
      } catch (error) {
        await client.end().catch(() => undefined);
        this.logger.warn({ err: error, attempt }, 'could not open the notification connection; retrying');
        await delay(Math.min(5_000, 200 * 2 ** attempt));
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
