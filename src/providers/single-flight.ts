/**
 * Concurrent asks for the same key share one promise: a GraphQL burst and a warm job asking for the same
 * artist cost one request. The key is forgotten as soon as the promise settles, so nothing is cached here
 * (caching with TTLs is the cache layer's job) and a failure is not replayed to later callers.
 */
export class SingleFlight<T> {
  private readonly inFlight = new Map<string, Promise<T>>();

  run(key: string, operation: () => Promise<T>): Promise<T> {
    const existing = this.inFlight.get(key);
    if (existing !== undefined) return existing;
    // Started in a microtask so that the entry exists before the operation can settle, even synchronously.
    const promise: Promise<T> = Promise.resolve()
      .then(operation)
      .finally(() => {
        if (this.inFlight.get(key) === promise) this.inFlight.delete(key);
      });
    this.inFlight.set(key, promise);
    return promise;
  }

  get size(): number {
    return this.inFlight.size;
  }
}
