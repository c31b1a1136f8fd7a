import { invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import { normalizeError } from './errors';
import type { ApiError } from './types';

/**
 * The one place that talks to Tauri's IPC. Everything above it gets typed
 * functions and `ApiError` rejections, never raw strings or `undefined`s.
 */

declare global {
  interface Window {
    __TAURI_INTERNALS__?: unknown;
  }
}

/** False when the page was opened in a plain browser (e.g. `vite dev`). */
export function insideTauri(): boolean {
  return typeof window !== 'undefined' && window.__TAURI_INTERNALS__ !== undefined;
}

export const NOT_IN_TAURI: ApiError = {
  code: 'not_in_tauri',
  message:
    'This page is the Tracelab window, but it was opened in a plain browser. ' +
    'Start the desktop app (tracelab-app) to browse archives.',
};

export async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  if (!insideTauri()) throw NOT_IN_TAURI;
  try {
    return await invoke<T>(command, args);
  } catch (thrown) {
    throw normalizeError(thrown);
  }
}

/** Outside Tauri there are no events; the returned unlisten is then a no-op. */
export async function subscribe<T>(event: string, handler: (payload: T) => void): Promise<UnlistenFn> {
  if (!insideTauri()) return () => {};
  try {
    return await listen<T>(event, (e) => handler(e.payload));
  } catch (thrown) {
    throw normalizeError(thrown);
  }
}
