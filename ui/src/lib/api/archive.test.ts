import { afterEach, describe, expect, it, vi } from 'vitest';
import { archiveSummary, chooseArchive, openArchive } from './archive';
import { sessionsPageIpc } from './explore';

type Invoke = (cmd: string, args?: Record<string, unknown>) => Promise<unknown>;

function fakeTauri(invoke: Invoke) {
  const spy = vi.fn(invoke);
  vi.stubGlobal('window', { __TAURI_INTERNALS__: { invoke: spy, transformCallback: () => 1 } });
  return spy;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('archive commands', () => {
  it('send the command names and camelCase arguments of the contract', async () => {
    const invoke = fakeTauri(async () => null);
    await archiveSummary();
    await chooseArchive();
    await openArchive('/data/archive');
    const view = { filter: { outcome: ['failure'] }, text: null };
    const sort = { column: 'cost_usd', descending: true };
    await expect(sessionsPageIpc(view, sort, 200, 50)).rejects.toMatchObject({ code: 'corrupt' });
    expect(invoke.mock.calls.map(([cmd, args]) => [cmd, args])).toEqual([
      ['archive_summary', {}],
      ['choose_archive', {}],
      ['open_archive', { path: '/data/archive' }],
      ['sessions_page', { view, sort, offset: 200, limit: 50 }],
    ]);
  });

  it('hand back session bytes as a Uint8Array', async () => {
    fakeTauri(async () => new Uint8Array([1, 2]).buffer);
    expect([...(await sessionsPageIpc({ filter: {}, text: null }, { column: 'started_at', descending: true }, 0, 2))]).toEqual([1, 2]);
  });

  it('reject with the backend error as { code, message }', async () => {
    fakeTauri(async () => {
      throw { code: 'not_an_archive', message: '/tmp has no manifest.json' };
    });
    await expect(openArchive('/tmp')).rejects.toEqual({ code: 'not_an_archive', message: '/tmp has no manifest.json' });
  });

  it('reject with not_in_tauri in a plain browser instead of crashing', async () => {
    vi.stubGlobal('window', {});
    await expect(archiveSummary()).rejects.toMatchObject({ code: 'not_in_tauri' });
  });
});
