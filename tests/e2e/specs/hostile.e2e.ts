import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { $, $$, browser } from '@wdio/globals';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const tracelab = path.join(repoRoot, 'target', 'debug', 'tracelab');

/** A session whose content is hostile: markup that would run if rendered as HTML, ANSI escapes, a 5 MB line. */
function hostileSession(): string {
  const event = (seq: number, fields: object) => ({ seq, ...fields });
  return JSON.stringify({
    session_id: 'hostile-1',
    task_id: 'hostile-task',
    outcome: 'failure',
    events: [
      event(0, { role: 'user', kind: 'message', content: 'Fix it <script>window.__pwned = "script"</script> <img src=x onerror="window.__pwned=\'img\'">' }),
      event(1, { role: 'assistant', kind: 'message', content: '\u001b[31mred\u001b[0m and <b onmouseover="window.__pwned=\'b\'">bold</b>' }),
      event(2, { role: 'assistant', kind: 'tool_call', tool_name: 'bash', tool_call_id: 'c1', tool_input: '{"command":"cat big.log"}' }),
      event(3, { role: 'tool', kind: 'tool_result', tool_call_id: 'c1', content: 'A'.repeat(5_000_000) + ' needle' }),
    ],
  });
}

async function invoke<T>(command: string, args: Record<string, unknown>): Promise<T> {
  return browser.executeAsync(
    (c: string, a: Record<string, unknown>, done: (v: unknown) => void) => {
      (window as unknown as { __TAURI_INTERNALS__: { invoke: (c: string, a: unknown) => Promise<unknown> } }).__TAURI_INTERNALS__
        .invoke(c, a)
        .then(done, (e) => done({ error: e }));
    },
    command,
    args,
  ) as Promise<T>;
}

describe('Hostile trace content', () => {
  let sample = '';

  before(async function () {
    this.timeout(120_000);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'tracelab-hostile-'));
    const jsonl = path.join(dir, 'hostile.jsonl');
    await writeFile(jsonl, hostileSession() + '\n');
    execFileSync(tracelab, ['import', jsonl, '--into', path.join(dir, 'archive')]);
    await $('[data-testid="view-count"]').waitForExist({ timeout: 60_000 });
    sample = (await invoke<{ path: string }>('archive_summary', {})).path;
    // The UI opens archives through the native dialog; the test opens this one through the same command.
    await invoke('open_archive', { path: path.join(dir, 'archive') });
    await browser.refresh();
  });

  after(async () => {
    // Later specs start on the last archive opened: give them the sample back.
    await invoke('open_archive', { path: sample });
  });

  it('shows markup and escapes as text, runs nothing, and stays responsive', async function () {
    this.timeout(120_000);
    await browser.waitUntil(async () => (await $('[data-testid="view-count"]').getText()).trim() === '1', { timeout: 60_000 });
    const started = Date.now();
    await $('[data-testid="sessions-table"] [data-testid="session-row"]').click();
    await browser.waitUntil(async () => (await $$('[data-testid="step"]').length) === 3, { timeout: 60_000 });
    const opened = Date.now() - started;
    const trajectory = await $('[data-testid="trajectory"]');
    const text = await trajectory.getText();
    assert.ok(text.includes('<script>window.__pwned'), 'the script tag is not shown as text');
    assert.ok(text.includes('<img src=x onerror='), 'the img tag is not shown as text');
    assert.equal((await trajectory.$$('img, script, b').length), 0, 'trace markup became elements');
    assert.ok(await $('[data-testid="unfold"]').isExisting(), 'the 5 MB output is not folded');
    assert.equal(await browser.execute(() => (window as unknown as { __pwned?: string }).__pwned ?? null), null, 'trace content ran');
    const ping = Date.now();
    await browser.execute(() => document.title);
    assert.ok(Date.now() - ping < 2_000, 'the window is slow to answer');
    console.log(`opened the hostile session in ${opened} ms`);
  });
});
