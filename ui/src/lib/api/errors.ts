import type { ApiError } from './types';

/**
 * Turns anything a promise can reject with into an `ApiError`.
 *
 * Commands reject with `{ code, message }`, but the IPC layer itself rejects
 * with bare strings (e.g. "command foo not found"), and our own code can throw
 * `Error`s; the banner must show all of them the same way.
 */
export function normalizeError(thrown: unknown): ApiError {
  if (typeof thrown === 'string') {
    return { code: 'unknown', message: thrown.trim() || 'Unknown error' };
  }
  if (thrown instanceof Error) {
    return { code: codeOf(thrown) ?? 'unknown', message: thrown.message || thrown.name };
  }
  if (typeof thrown === 'object' && thrown !== null) {
    const code = codeOf(thrown);
    const message = (thrown as { message?: unknown }).message;
    if (typeof message === 'string' && message.trim() !== '') {
      return { code: code ?? 'unknown', message };
    }
    if (code !== undefined) return { code, message: errorTitle(code) };
    return { code: 'unknown', message: safeJson(thrown) };
  }
  return { code: 'unknown', message: thrown === undefined || thrown === null ? 'Unknown error' : String(thrown) };
}

export function isApiError(value: unknown): value is ApiError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ApiError).code === 'string' &&
    typeof (value as ApiError).message === 'string'
  );
}

/** A short heading for the banner; the backend's message goes underneath. */
export function errorTitle(code: string): string {
  switch (code) {
    case 'not_found':
      return 'Archive not found';
    case 'not_an_archive':
      return 'Not a Tracelab archive';
    case 'corrupt':
      return 'Archive is damaged';
    case 'io':
      return 'Could not read the archive';
    case 'no_archive':
      return 'No archive is open';
    case 'not_in_tauri':
      return 'Not running inside the Tracelab app';
    default:
      return 'Something went wrong';
  }
}

function codeOf(value: object): string | undefined {
  const code = (value as { code?: unknown }).code;
  return typeof code === 'string' && code !== '' ? code : undefined;
}

function safeJson(value: object): string {
  try {
    return JSON.stringify(value) ?? 'Unknown error';
  } catch {
    return 'Unknown error';
  }
}
