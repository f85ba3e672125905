// The entities a run has started fetching and not yet counted. A stop (shutdown, cancel, database
// outage) reaches them all at once through the run's signal, but not all end at once: the first that
// throws ends the job while another, whose providers had already answered, is still writing its entry.
// The run's last counters and resume point are written only after these settle, so an entry that was
// stored is also counted, and the next attempt does not find it stored and count it again as cached.
export class EntitiesInFlight {
  private readonly active = new Set<Promise<unknown>>();

  /** Follows `work` until it settles; returns it unchanged. */
  track<T>(work: Promise<T>): Promise<T> {
    this.active.add(work);
    const forget = () => this.active.delete(work);
    work.then(forget, forget);
    return work;
  }

  /** Resolves once every tracked entity has settled, those that started while waiting included. */
  async settled(): Promise<void> {
    while (this.active.size > 0) await Promise.allSettled([...this.active]);
  }
}
