/** Page arithmetic for the sessions window: which fixed-size pages cover a range of rows. */

/** Pages (by number) that hold rows first..last inclusive, clipped to the table. */
export function pagesForRange(first: number, last: number, pageSize: number, total: number): number[] {
  if (total <= 0 || last < first) return [];
  const from = Math.max(0, Math.floor(first));
  const to = Math.min(total - 1, Math.floor(last));
  if (to < from) return [];
  const pages: number[] = [];
  for (let page = Math.floor(from / pageSize); page <= Math.floor(to / pageSize); page++) pages.push(page);
  return pages;
}

/** The `sessions_page` window for a page; the last page is shorter. */
export function pageWindow(page: number, pageSize: number, total: number): { start: number; count: number } {
  const start = page * pageSize;
  return { start, count: Math.max(0, Math.min(pageSize, total - start)) };
}

/**
 * A least-recently-used map. `get` counts as a use; `peek` does not.
 * Relies on `Map` keeping insertion order: the first key is the oldest.
 */
export class LruCache<K, V> {
  #entries = new Map<K, V>();

  constructor(public capacity: number) {
    if (!(capacity >= 1)) throw new RangeError(`LRU capacity must be at least 1, got ${capacity}`);
  }

  get size(): number {
    return this.#entries.size;
  }

  has(key: K): boolean {
    return this.#entries.has(key);
  }

  peek(key: K): V | undefined {
    return this.#entries.get(key);
  }

  get(key: K): V | undefined {
    if (!this.#entries.has(key)) return undefined;
    const value = this.#entries.get(key) as V;
    this.#entries.delete(key);
    this.#entries.set(key, value);
    return value;
  }

  /** Stores the value as the most recent entry; returns the keys evicted to make room. */
  set(key: K, value: V): K[] {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    const evicted: K[] = [];
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.capacity) break;
      this.#entries.delete(oldest);
      evicted.push(oldest);
    }
    return evicted;
  }

  /** Oldest first. */
  keys(): K[] {
    return [...this.#entries.keys()];
  }
}
