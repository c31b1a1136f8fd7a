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

const cli = (args: string[]) => execFileSync(tracelab, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
const top = JSON.parse(cli(['attribute', archive, '--json'])).effects[0];

describe('The regression view on the planted regression', () => {
  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    await mkdir(screenshotDir, { recursive: true });
    await browser.saveScreenshot(path.join(screenshotDir, 'regressions-failure.png')).catch(() => {});
  });

  it('ranks the planted largest effect first, as the CLI does', async () => {
    // The sample's story (sample-data/README.md): evicting thinking from the cache costs 15 pp on long sessions.
    assert.equal(top.dimension, 'config.cache_policy');
    assert.equal(top.to, 'evict-stale-thinking');
    await $('[data-testid="tab-regressions"]').click();
    const first = await $('[data-testid="effect"]');
    await first.waitForExist({ timeout: 120_000, timeoutMsg: 'the attribution table never appeared' });
    const text = await first.getText();
    assert.ok(text.includes('cache_policy') && text.includes('evict-stale-thinking'), text);
    const shown = (await first.$('[data-testid="effect-value"]').getText()).trim();
    assert.ok(shown.startsWith(`${top.effect_pp.toFixed(1)} pp`), `${shown} vs ${top.effect_pp}`);
    await $('[data-testid="time-chart"] svg').waitForExist({ timeout: 60_000 });
    await $('[data-testid="comparison"]').waitForExist({ timeout: 60_000 });
    await mkdir(screenshotDir, { recursive: true });
    await browser.saveScreenshot(path.join(screenshotDir, 'regressions.png'));
  });

  it('clicks through to the sessions behind a change', async () => {
    const slices = top.slices.length > 0 ? ` and slice in (${top.slices.map((s: string) => `'${s}'`).join(',')})` : '';
    const want = JSON.parse(
      cli(['query', archive, `select count(*) as n from sessions where config['cache_policy'] = 'evict-stale-thinking'${slices}`, '--format', 'json']),
    )[0].n;
    await (await $$('[data-testid="effect"]'))[0].$('button=sessions →').click();
    await browser.waitUntil(async () => (await $('[data-testid="view-count"]').getText()).trim() === Number(want).toLocaleString('en-US'), {
      timeout: 60_000,
      timeoutMsg: `the sessions view never showed ${want} sessions`,
    });
  });

  it('clicks through from a compared cohort to its sessions', async () => {
    await $('[data-testid="tab-regressions"]').click();
    const cohort = await $('[data-testid="cohort-sessions"]');
    await cohort.waitForExist({ timeout: 60_000, timeoutMsg: 'the comparison shows no cohort link' });
    await cohort.click();
    await browser.waitUntil(async () => /^[\d,]+$/.test((await $('[data-testid="view-count"]').getText()).trim()), { timeout: 60_000 });
    const hash = decodeURIComponent(await browser.execute(() => location.hash));
    assert.ok(hash.length > 1, 'the sessions view has no filter');
    const shown = Number((await $('[data-testid="view-count"]').getText()).replace(/,/g, ''));
    assert.ok(shown > 0, `the cohort's view selects no session (${hash})`);
  });

  it('clicks through from a point of the time chart to its sessions', async () => {
    await $('[data-testid="tab-regressions"]').click();
    await $('[data-testid="time-plot"]').waitForExist({ timeout: 60_000 });
    // A click in the middle of the chart (WebKitWebDriver will not click an <svg> itself):
    // the point of that day nearest the pointer.
    const chart = await $('[data-testid="time-chart"]');
    await chart.scrollIntoView({ block: 'center' });
    await chart.waitForClickable({ timeout: 30_000 });
    await chart.click();
    const chip = await $('[data-testid="time-window"]');
    await chip.waitForExist({ timeout: 60_000, timeoutMsg: 'a click on the chart opened no time window' });
    await browser.waitUntil(async () => /^[\d,]+$/.test((await $('[data-testid="view-count"]').getText()).trim()), { timeout: 60_000 });
    const params = new URLSearchParams(await browser.execute(() => location.hash.slice(1)));
    const where = [`started_at >= '${params.get('started_from')}'`, `started_at < '${params.get('started_to')}'`];
    for (const [key, value] of params) {
      if (key.startsWith('started_')) continue;
      const column = key.startsWith('config.') ? `config['${key.slice(7)}']` : key;
      where.push(`${column} = '${value}'`);
    }
    const want = JSON.parse(cli(['query', archive, `select count(*) as n from sessions where ${where.join(' and ')}`, '--format', 'json']))[0].n;
    assert.ok(want > 0, `the point's window holds no session (${where.join(' and ')})`);
    assert.equal((await $('[data-testid="view-count"]').getText()).trim(), Number(want).toLocaleString('en-US'));
    assert.ok((await chip.getText()).includes(params.get('started_from')!.slice(0, 10)));
    // Dropping the window goes back to the whole archive (or the group alone).
    await chip.click();
    await chip.waitForExist({ reverse: true });
  });
});
