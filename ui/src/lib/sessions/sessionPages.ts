import { normalizeError } from '../api/errors';
import type { ApiError } from '../api/types';
import { LruCache, pagesForRange, pageWindow } from './pages';
import type { SessionRow } from './types';

/**
 * Rows per request to the engine. The app computes the first such page at launch, while the
 * window loads (`ROWS` in `src-tauri/src/launch_page.rs`: keep the two equal).
 */
export const PAGE_SIZE = 200;

export type RowSlot =
  | { status: 'loaded'; row: SessionRow }
  | { status: 'loading' }
  /** The page request failed, or the backend sent fewer rows than asked for. */
  | { status: 'unavailable' };

export interface SessionPagesOptions {
  /** Rows in the archive (the summary's `sessions`). */
  total: number;
  fetchPage: (start: number, count: number) => Promise<SessionRow[]>;
  /** A page arrived or failed; the view should read its rows again. */
  onChange: () => void;
  onError: (error: ApiError) => void;
  pageSize?: number;
  /** Pages kept in memory; raised automatically if one visible range needs more. */
  maxPages?: number;
  /** Page requests allowed in flight at once. */
  maxConcurrent?: number;
  /** Rows of the first page, when they are already at hand: shown without a request. */
  firstPage?: SessionRow[];
}

/**
 * Loads the sessions table a page at a time, for whatever rows the view asks for.
 *
 * Each request replaces the queue of pages still to fetch: pages queued for a
 * range the user already scrolled past are dropped before they are fetched,
 * so dragging the scrollbar across the archive does not fetch every page on
 * the way.
 */
export class SessionPages {
  readonly total: number;
  readonly pageSize: number;
  #opts: SessionPagesOptions;
  #maxPages: number;
  #maxConcurrent: number;
  #loaded: LruCache<number, SessionRow[]>;
  #inFlight = new Set<number>();
  #failed = new Set<number>();
  #queue: number[] = [];
  #lastRange: [number, number] | null = null;
  #disposed = false;

  constructor(opts: SessionPagesOptions) {
    this.#opts = opts;
    this.total = Math.max(0, opts.total);
    this.pageSize = opts.pageSize ?? PAGE_SIZE;
    this.#maxPages = opts.maxPages ?? 6;
    this.#maxConcurrent = opts.maxConcurrent ?? 2;
    this.#loaded = new LruCache(this.#maxPages);
    if (opts.firstPage !== undefined) this.#loaded.set(0, opts.firstPage);
  }

  /** What the view can show for a row right now; never triggers a fetch. */
  slot(index: number): RowSlot {
    const page = Math.floor(index / this.pageSize);
    const rows = this.#loaded.peek(page);
    if (rows) {
      const row = rows[index - page * this.pageSize];
      return row ? { status: 'loaded', row } : { status: 'unavailable' };
    }
    return this.#failed.has(page) ? { status: 'unavailable' } : { status: 'loading' };
  }

  /** The view shows rows first..last (inclusive): make sure their pages load. */
  request(first: number, last: number): void {
    if (this.#disposed) return;
    this.#lastRange = [first, last];
    const needed = pagesForRange(first, last, this.pageSize, this.total);
    // The pages on screen must never evict each other.
    this.#loaded.capacity = Math.max(this.#maxPages, needed.length);
    for (const page of needed) this.#loaded.get(page); // mark as recently used
    this.#queue = needed.filter((p) => !this.#loaded.has(p) && !this.#inFlight.has(p) && !this.#failed.has(p));
    this.#pump();
  }

  /** Forget failures and fetch the last requested range again. */
  retryFailed(): void {
    this.#failed.clear();
    this.#opts.onChange();
    if (this.#lastRange) this.request(...this.#lastRange);
  }

  /** Pages currently held, oldest first (for tests and debugging). */
  loadedPages(): number[] {
    return this.#loaded.keys();
  }

  /** Responses that arrive after this are dropped: the archive they belong to is gone. */
  dispose(): void {
    this.#disposed = true;
    this.#queue = [];
  }

  #pump(): void {
    while (this.#inFlight.size < this.#maxConcurrent && this.#queue.length > 0) {
      void this.#fetch(this.#queue.shift() as number);
    }
  }

  async #fetch(page: number): Promise<void> {
    this.#inFlight.add(page);
    const { start, count } = pageWindow(page, this.pageSize, this.total);
    try {
      const rows = await this.#opts.fetchPage(start, count);
      if (this.#disposed) return;
      this.#loaded.set(page, rows);
    } catch (thrown) {
      if (this.#disposed) return;
      this.#failed.add(page);
      this.#opts.onError(normalizeError(thrown));
    } finally {
      this.#inFlight.delete(page);
    }
    this.#opts.onChange();
    this.#pump();
  }
}
