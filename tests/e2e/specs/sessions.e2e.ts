import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { $, $$, browser } from '@wdio/globals';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const screenshotDir = path.join(repoRoot, 'target', 'e2e-screenshots');
const tracelab = path.join(repoRoot, 'target', 'debug', 'tracelab');
const archive = path.join(repoRoot, 'sample-data', 'archive');

const COUNT = '[data-testid="session-count"]';
const SESSION_CELL = '[data-testid="sessions-table"] [data-testid="session-row"] [data-testid="session-id"]';
const ERROR_BANNER = '[data-testid="error-banner"]';

/** The window's own error banner explains a failure better than a timeout does. */
async function failOnErrorBanner(): Promise<void> {
  const banner = await $(ERROR_BANNER);
  if (await banner.isExisting()) throw new Error(`The window shows an error: ${await banner.getText()}`);
}

describe('Tracelab window on the sample archive', () => {
  const expectedSessions = Number(process.env.EXPECTED_SESSIONS);

  before(() => {
    assert.ok(
      process.env.EXPECTED_SESSIONS !== undefined && Number.isInteger(expectedSessions) && expectedSessions >= 0,
      `EXPECTED_SESSIONS must be the sample archive's session count, got ${JSON.stringify(process.env.EXPECTED_SESSIONS)}`,
    );
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    await mkdir(screenshotDir, { recursive: true });
    await browser.saveScreenshot(path.join(screenshotDir, 'failure.png')).catch(() => {});
  });

  it('shows the session count of the archive', async () => {
    const count = await $(COUNT);
    await browser.waitUntil(
      async () => {
        await failOnErrorBanner();
        return (await count.isExisting()) && /^\d{1,3}(,\d{3})*$/.test((await count.getText()).trim());
      },
      { timeout: 60_000, interval: 250, timeoutMsg: `${COUNT} never showed a number` },
    );
    assert.equal((await count.getText()).trim(), expectedSessions.toLocaleString('en-US'));
  });

  it('renders session rows in the table', async () => {
    await browser.waitUntil(
      async () => {
        await failOnErrorBanner();
        return (await $$(SESSION_CELL).length) > 0;
      },
      { timeout: 60_000, interval: 250, timeoutMsg: 'the sessions table rendered no row with a session cell' },
    );
    const firstCell = await $(SESSION_CELL);
    assert.notEqual((await firstCell.getText()).trim(), '', 'the first session cell is empty');
  });

  it('shows the newest sessions first, as the CLI orders them', async () => {
    // The app computes this first page while the window starts (src-tauri/src/launch_page.rs).
    const newest = 'SELECT session_id FROM sessions ORDER BY started_at DESC, session_id LIMIT 3';
    const want = (JSON.parse(execFileSync(tracelab, ['query', archive, newest, '--format', 'json'], { encoding: 'utf8' })) as { session_id: string }[]).map(
      (r) => r.session_id,
    );
    const cells = await $$(SESSION_CELL);
    const got: string[] = [];
    for (let i = 0; i < want.length; i++) got.push((await cells[i].getAttribute('title')) ?? '');
    assert.deepEqual(got, want);
  });

  it('saves a screenshot of the window', async () => {
    await mkdir(screenshotDir, { recursive: true });
    const file = path.join(screenshotDir, 'sessions.png');
    await browser.saveScreenshot(file);
    console.log(`screenshot: ${file}`);
  });
});
