import assert from 'node:assert/strict';
import { $, browser } from '@wdio/globals';

const ROW = '[data-testid="sessions-table"] [data-testid="session-row"]';
// Unique per run: the bundled archive keeps labels from earlier runs.
const NAME = `e2e-${Date.now().toString(36)}`;

async function labelFacet() {
  const value = await $(`[data-testid="facet-value"][data-dimension="label"][data-value="${NAME}"]`);
  await value.waitForExist({ timeout: 60_000, timeoutMsg: `the label facet never listed ${NAME}` });
  return value;
}

describe('Labels', () => {
  it('labels a session from its trajectory and filters by the label', async () => {
    const first = await $(ROW);
    await first.waitForExist({ timeout: 60_000 });
    const id = ((await first.$('[data-testid="session-id"]').getAttribute('title')) ?? '').trim();
    await first.click();
    await $('[data-testid="labels"]').waitForExist({ timeout: 30_000 });
    await $('[data-testid="label-name"]').setValue(NAME);
    await $('[data-testid="label-note"]').setValue('checked by the e2e test');
    await $('[data-testid="label-add"]').click();
    await browser.waitUntil(async () => (await $('[data-testid="labels"]').getText()).includes(NAME), {
      timeout: 30_000,
      timeoutMsg: 'the new label never showed on the trajectory',
    });
    const facet = await labelFacet();
    assert.equal((await facet.$('.count').getText()).trim(), '1');
    await browser.keys('Escape');
    await facet.click();
    await browser.waitUntil(async () => (await $('[data-testid="view-count"]').getText()).trim() === '1', { timeout: 30_000 });
    assert.equal(((await $(`${ROW} [data-testid="session-id"]`).getAttribute('title')) ?? '').trim(), id);
  });

  it('finds the label after a restart', async () => {
    await browser.reloadSession();
    const facet = await labelFacet();
    assert.equal((await facet.$('.count').getText()).trim(), '1');
  });
});
