// A minimal DataLoader: the keys asked for while one level of a GraphQL response resolves are loaded
// with one batch call, and each key once per request. Dispatch waits for the promise jobs of the
// current tick (as DataLoader does), which is when graphql-js has asked for every item of a list.
export class BatchLoader<K, V> {
  private readonly cache = new Map<string, Promise<V>>();
  private pending: Array<{ key: K; id: string; resolve: (value: V) => void; reject: (error: unknown) => void }> = [];

  constructor(
    private readonly batch: (keys: readonly K[]) => Promise<ReadonlyMap<string, V>>,
    private readonly idOf: (key: K) => string,
    private readonly missing: V,
  ) {}

  load(key: K): Promise<V> {
    const id = this.idOf(key);
    const cached = this.cache.get(id);
    if (cached) return cached;
    const promise = new Promise<V>((resolve, reject) => {
      if (this.pending.length === 0) void Promise.resolve().then(() => process.nextTick(() => void this.dispatch()));
      this.pending.push({ key, id, resolve, reject });
    });
    this.cache.set(id, promise);
    return promise;
  }

  private async dispatch(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    try {
      const found = await this.batch(batch.map((item) => item.key));
      for (const item of batch) item.resolve(found.get(item.id) ?? this.missing);
    } catch (error) {
      for (const item of batch) {
        this.cache.delete(item.id);
        item.reject(error);
      }
    }
  }
}
