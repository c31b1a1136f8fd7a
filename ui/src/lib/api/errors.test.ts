import { describe, expect, it } from 'vitest';
import { errorTitle, isApiError, normalizeError } from './errors';

describe('normalizeError', () => {
  it('keeps a backend error as it is', () => {
    expect(normalizeError({ code: 'corrupt', message: 'bad footer in sessions.parquet' })).toEqual({
      code: 'corrupt',
      message: 'bad footer in sessions.parquet',
    });
  });

  it('wraps a bare IPC string', () => {
    expect(normalizeError('command session_rows not found')).toEqual({
      code: 'unknown',
      message: 'command session_rows not found',
    });
  });

  it('keeps an Error message and a code attached to it', () => {
    expect(normalizeError(new TypeError('x is undefined'))).toEqual({ code: 'unknown', message: 'x is undefined' });
    const withCode = Object.assign(new Error('gone'), { code: 'not_found' });
    expect(normalizeError(withCode)).toEqual({ code: 'not_found', message: 'gone' });
  });

  it('fills in a message when only a code came', () => {
    expect(normalizeError({ code: 'no_archive' })).toEqual({ code: 'no_archive', message: 'No archive is open' });
  });

  it('never returns an empty message', () => {
    for (const thrown of [undefined, null, '', '   ', {}, 42, new Error('')]) {
      const error = normalizeError(thrown);
      expect(error.message.trim()).not.toBe('');
      expect(isApiError(error)).toBe(true);
    }
  });

  it('survives objects that cannot be serialised', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(normalizeError(cyclic)).toEqual({ code: 'unknown', message: 'Unknown error' });
  });
});

describe('errorTitle', () => {
  it('names every backend code', () => {
    for (const code of ['not_found', 'not_an_archive', 'corrupt', 'io', 'no_archive', 'not_in_tauri']) {
      expect(errorTitle(code)).not.toBe(errorTitle('something_new'));
    }
  });
});
