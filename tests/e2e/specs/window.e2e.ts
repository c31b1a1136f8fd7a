import assert from 'node:assert/strict';
import { $, browser } from '@wdio/globals';

const ROW = '[data-testid="sessions-table"] [data-testid="session-row"]';

describe('The window', () => {
  it('comes back at the size it was left at', async () => {
    await $(ROW).waitForExist({ timeout: 60_000 });
    const start = await browser.getWindowSize();
    await browser.setWindowSize(1100, 700);
    await browser.waitUntil(async () => (await browser.getWindowSize()).width !== start.width, {
      timeout: 10_000,
      timeoutMsg: 'the window did not resize',
    });
    const left = await browser.getWindowSize();
    assert.notDeepEqual(left, start);
    await browser.reloadSession();
    await $(ROW).waitForExist({ timeout: 60_000 });
    assert.deepEqual(await browser.getWindowSize(), left);
    // Later specs expect the default size.
    await browser.setWindowSize(start.width, start.height);
    await browser.waitUntil(async () => (await browser.getWindowSize()).width === start.width, { timeout: 10_000 });
  });
});
