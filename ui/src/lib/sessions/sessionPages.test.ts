import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import type { ApiError } from '../api/types';
import { PAGE_SIZE, SessionPages } from './sessionPages';
import type { SessionRow } from './types';

function row(index: number): SessionRow {
  return {
    sessionId: `s-${index}`,
    startedAtMs: null,
    repo: null,
    taskId: null,
    harnessVersion: null,
    model: null,
    slice: null,
    outcome: null,
    nEvents: index,
    nToolCalls: null,
    nToolErrors: null,
    inputTokens: null,
    outputTokens: null,
    costUsd: null,
  };
}

/** A backend whose page requests stay pending until the test settles them. */
function fakeBackend() {
  const pending: { start: number; count: number; resolve: () => void; reject: (e: unknown) => void }[] = [];
  const fetchPage = vi.fn(
    (start: number, count: number) =>
      new Promise<SessionRow[]>((resolve, reject) => {
        pending.push({
          start,
          count,
          resolve: () => resolve(Array.from({ length: count }, (_, i) => row(start + i))),
          reject,
        });
      }),
  );
  const settle = async (start: number, how: 'resolve' | 'reject' = 'resolve', error?: unknown) => {
    const i = pending.findIndex((p) => p.start === start);
    if (i < 0) throw new Error(`no pending request for start ${start}`);
    const [request] = pending.splice(i, 1);
    if (how === 'resolve') request.resolve();
    else request.reject(error);
    await new Promise((r) => setTimeout(r, 0));
  };
  return { fetchPage, pending, settle };
}

function setup(total = 1000, extra: { maxPages?: number; maxConcurrent?: number } = {}) {
  const backend = fakeBackend();
  const onChange = vi.fn();
  const errors: ApiError[] = [];
  const pages = new SessionPages({
    total,
    pageSize: 100,
    fetchPage: backend.fetchPage,
    onChange,
    onError: (e) => errors.push(e),
    ...extra,
  });
  return { pages, backend, onChange, errors };
}

describe('SessionPages', () => {
  it('fetches only the pages a visible range needs', () => {
    const { pages, backend } = setup();
    pages.request(90, 130);
    expect(backend.fetchPage.mock.calls).toEqual([
      [0, 100],
      [100, 100],
    ]);
  });

  it('shows placeholders until a page arrives, then rows', async () => {
    const { pages, backend, onChange } = setup();
    pages.request(0, 20);
    expect(pages.slot(5)).toEqual({ status: 'loading' });
    await backend.settle(0);
    expect(onChange).toHaveBeenCalled();
    expect(pages.slot(5)).toEqual({ status: 'loaded', row: expect.objectContaining({ sessionId: 's-5' }) });
  });

  it('asks for a shorter last page', () => {
    const { pages, backend } = setup(950);
    pages.request(940, 960);
    expect(backend.fetchPage.mock.calls).toEqual([[900, 50]]);
  });

  it('does not fetch a page twice while it is loading or loaded', async () => {
    const { pages, backend } = setup();
    pages.request(0, 10);
    pages.request(5, 15);
    expect(backend.fetchPage).toHaveBeenCalledTimes(1);
    await backend.settle(0);
    pages.request(20, 30);
    expect(backend.fetchPage).toHaveBeenCalledTimes(1);
  });

  it('drops queued pages the user has scrolled past', async () => {
    const { pages, backend } = setup(10_000, { maxConcurrent: 1 });
    pages.request(0, 250); // pages 0, 1, 2; only 0 starts
    pages.request(5000, 5020); // page 50 replaces the queue
    await backend.settle(0);
    expect(backend.fetchPage.mock.calls.map(([start]) => start)).toEqual([0, 5000]);
  });

  it('keeps at most maxPages pages, evicting the least recently shown', async () => {
    const { pages, backend } = setup(10_000, { maxPages: 2 });
    for (const start of [0, 100, 200]) {
      pages.request(start, start + 10);
      await backend.settle(start);
    }
    expect(pages.loadedPages()).toEqual([1, 2]);
    expect(pages.slot(5)).toEqual({ status: 'loading' });
    pages.request(0, 10);
    expect(backend.fetchPage).toHaveBeenCalledTimes(4);
  });

  it('never evicts pages that are on screen together', async () => {
    const { pages, backend } = setup(10_000, { maxPages: 1 });
    pages.request(50, 150);
    await backend.settle(0);
    await backend.settle(100);
    expect(pages.loadedPages()).toEqual([0, 1]);
  });

  it('reports a failed page once and marks its rows unavailable until retried', async () => {
    const { pages, backend, errors } = setup();
    pages.request(0, 10);
    await backend.settle(0, 'reject', { code: 'io', message: 'disk went away' });
    expect(errors).toEqual([{ code: 'io', message: 'disk went away' }]);
    expect(pages.slot(3)).toEqual({ status: 'unavailable' });
    pages.request(0, 12);
    expect(backend.fetchPage).toHaveBeenCalledTimes(1);
    pages.retryFailed();
    expect(backend.fetchPage).toHaveBeenCalledTimes(2);
    await backend.settle(0);
    expect(pages.slot(3).status).toBe('loaded');
  });

  it('marks rows the backend did not send as unavailable', async () => {
    const onChange = vi.fn();
    const pages = new SessionPages({
      total: 100,
      pageSize: 100,
      fetchPage: async () => [row(0)],
      onChange,
      onError: () => {},
    });
    pages.request(0, 5);
    await vi.waitFor(() => expect(onChange).toHaveBeenCalled());
    expect(pages.slot(0).status).toBe('loaded');
    expect(pages.slot(1)).toEqual({ status: 'unavailable' });
  });

  it('ignores responses after dispose', async () => {
    const { pages, backend, onChange } = setup();
    pages.request(0, 10);
    pages.dispose();
    await backend.settle(0);
    expect(onChange).not.toHaveBeenCalled();
    expect(pages.slot(0)).toEqual({ status: 'loading' });
  });

  it('does nothing for an empty archive', () => {
    const { pages, backend } = setup(0);
    pages.request(0, 30);
    expect(backend.fetchPage).not.toHaveBeenCalled();
  });
});

describe('the first page the app computes at launch', () => {
  it('is the size the table asks for', () => {
    const source = readFileSync(new URL('../../../../src-tauri/src/launch_page.rs', import.meta.url), 'utf8');
    const rows = source.match(/pub const ROWS: usize = (\d+);/);
    expect(rows?.[1]).toBe(String(PAGE_SIZE));
  });
});
