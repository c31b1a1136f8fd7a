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

const VIEW_COUNT = '[data-testid="view-count"]';
const ROW = '[data-testid="sessions-table"] [data-testid="session-row"]';

/** What the CLI counts, to check the window against. */
function cli(args: string[]): string {
  return execFileSync(tracelab, args, { encoding: 'utf8' });
}
const failures = Number(JSON.parse(cli(['query', archive, "select count(*) as n from sessions where outcome = 'failure'", '--format', 'json']))[0].n);
const searchSessions = Number(
  JSON.parse(cli(['search', archive, 'UnicodeDecodeError', '--where', 'outcome=failure', '--json', '--limit', '1'])).total_sessions,
);

async function viewCountIs(n: number): Promise<void> {
  const want = n.toLocaleString('en-US');
  await browser.waitUntil(async () => (await $(VIEW_COUNT).getText()).trim() === want, {
    timeout: 60_000,
    interval: 200,
    timeoutMsg: `the view count never became ${want} (it shows ${await $(VIEW_COUNT).getText()})`,
  });
}

async function screenshot(name: string): Promise<void> {
  await mkdir(screenshotDir, { recursive: true });
  await browser.saveScreenshot(path.join(screenshotDir, name));
}

describe('Exploring the sample archive', () => {
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await screenshot('explorer-failure.png').catch(() => {});
  });

  it('filters by a facet and counts what the CLI counts', async () => {
    const failure = await $('[data-testid="facet-value"][data-dimension="outcome"][data-value="failure"]');
    await failure.waitForExist({ timeout: 60_000, timeoutMsg: 'the outcome facet never showed "failure"' });
    assert.equal((await failure.$('.count').getText()).trim(), failures.toLocaleString('en-US'));
    await failure.click();
    await viewCountIs(failures);
    await browser.waitUntil(async () => (await $$(ROW).length) > 0, { timeout: 30_000 });
    for (const pill of await $$(`${ROW} [role="cell"].outcome`)) {
      assert.equal((await pill.getText()).trim().toLowerCase(), 'failure');
    }
    assert.match(await browser.getUrl(), /#outcome=failure/);
    await screenshot('facets.png');
  });

  it('searches within the filter and opens a hit as a trajectory', async () => {
    const input = await $('[data-testid="search-input"]');
    await input.setValue('UnicodeDecodeError');
    await browser.keys('Enter');
    await viewCountIs(searchSessions);
    const first = await $(ROW);
    await first.waitForExist({ timeout: 30_000 });
    const id = (await first.$('[data-testid="session-id"]').getText()).trim();
    await first.click();
    const header = await $('[data-testid="trajectory-session"]');
    await header.waitForExist({ timeout: 30_000, timeoutMsg: 'the trajectory never opened' });
    assert.ok(id.length > 0 && (await header.getText()).startsWith(id.replace(/…$/, '')), `opened ${await header.getText()}, clicked ${id}`);
    await browser.waitUntil(async () => (await $$('[data-testid="step"]').length) > 3, { timeout: 30_000 });
    assert.ok((await $$('[data-testid="tool-result"]').length) > 0, 'no tool call shows its result');
    assert.ok((await $$('[data-testid="trajectory"] mark').length) > 0, 'the search term is not marked in the steps');
    await screenshot('trajectory.png');

    // Side by side with another session of the same task.
    const other = await $('[data-testid="compare-with"]');
    await other.waitForExist({ timeout: 30_000, timeoutMsg: 'no other session of this task was offered' });
    await other.selectByIndex(1);
    await browser.waitUntil(async () => (await $$('[data-testid="side-head"]').length) === 2, { timeout: 30_000 });
    assert.ok((await $$('[data-testid="side-row"]').length) > 3, 'the two sessions have no aligned rows');
    await screenshot('side-by-side.png');
    await browser.keys('Escape');
    await $('[data-testid="trajectory"]').waitForExist({ timeout: 10_000 });
    await browser.keys('Escape');
    await $('[data-testid="trajectory"]').waitForExist({ reverse: true, timeout: 10_000 });
  });

  it('goes back to the previous view', async () => {
    await browser.back();
    await viewCountIs(failures);
    assert.equal(await $('[data-testid="search-input"]').getValue(), '');
    await $('[data-testid="save-view"]').click();
    await $('[data-testid="saved-name"]').setValue('failures');
    await $('[data-testid="saved-ok"]').click();
    await $('[data-testid="clear-filters"]').click();
    await viewCountIs(Number(process.env.EXPECTED_SESSIONS));
    await $('[data-testid="saved-views"]').selectByAttribute('value', 'failures');
    await viewCountIs(failures);
  });
});
