import {
  elementScroll,
  observeElementOffset,
  observeElementRect,
  Virtualizer,
  type VirtualItem,
  type VirtualizerOptions,
} from '@tanstack/virtual-core';

export interface RowVirtualizerOptions {
  count: number;
  scrollElement: HTMLElement | null;
  rowHeight: number;
  /** Rows rendered beyond the viewport on each side, so a short scroll shows no gaps. */
  overscan?: number;
  /** Height of whatever sits above the rows inside the scroll element (the sticky header). */
  scrollMargin?: number;
}

/**
 * A minimal Svelte 5 binding for @tanstack/virtual-core with fixed-height rows.
 *
 * Must be created during component initialisation: it registers effects that
 * follow the options getter (re-read whenever its reactive inputs change) and
 * tear the virtualizer's observers down with the component.
 */
export class RowVirtualizer {
  /** `$state.raw`: virtual-core hands out fresh arrays, and deep proxies would only cost time. */
  items: VirtualItem[] = $state.raw([]);
  totalSize = $state(0);
  #virtualizer: Virtualizer<HTMLElement, HTMLElement>;

  constructor(options: () => RowVirtualizerOptions) {
    this.#virtualizer = new Virtualizer(this.#resolve(options()));

    $effect(() => {
      this.#virtualizer.setOptions(this.#resolve(options()));
      // Attaches scroll/resize observers once the element exists, and re-measures.
      this.#virtualizer._willUpdate();
      this.#publish();
    });

    $effect(() => this.#virtualizer._didMount());
  }

  scrollToIndex(index: number): void {
    this.#virtualizer.scrollToIndex(index, { align: 'auto' });
  }

  #resolve(o: RowVirtualizerOptions): VirtualizerOptions<HTMLElement, HTMLElement> {
    return {
      count: o.count,
      getScrollElement: () => o.scrollElement,
      estimateSize: () => o.rowHeight,
      overscan: o.overscan ?? 8,
      scrollMargin: o.scrollMargin ?? 0,
      observeElementRect,
      observeElementOffset,
      scrollToFn: elementScroll,
      onChange: () => this.#publish(),
    };
  }

  #publish(): void {
    this.items = this.#virtualizer.getVirtualItems();
    this.totalSize = this.#virtualizer.getTotalSize();
  }
}
