// A least-recently-used cache: keeps generation cheap for neighbouring items without holding a whole library.
export class BoundedCache<K, V> {
  private readonly entries = new Map<K, V>();
  private lastKey: K | undefined;
  private lastValue: V | undefined;

  constructor(private readonly capacity: number) {}

  get(key: K, create: () => V): V {
    // Sequential paging asks for the same album or artist many times in a row: skip the reordering then.
    if (this.lastValue !== undefined && this.lastKey === key) return this.lastValue;
    const value = this.lookup(key, create);
    this.lastKey = key;
    this.lastValue = value;
    return value;
  }

  private lookup(key: K, create: () => V): V {
    const found = this.entries.get(key);
    if (found !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, found);
      return found;
    }
    const value = create();
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    return value;
  }

  get size(): number {
    return this.entries.size;
  }
}
