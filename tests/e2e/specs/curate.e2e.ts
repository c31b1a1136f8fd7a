import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { $, browser } from '@wdio/globals';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const screenshotDir = path.join(repoRoot, 'target', 'e2e-screenshots');
const tracelab = path.join(repoRoot, 'target', 'debug', 'tracelab');
const archive = path.join(repoRoot, 'sample-data', 'archive');
const TRAIN = 'trl_preference/data/train-00000-of-00001.parquet';

describe('The curation view', () => {
  let cliOut = '';
  let cliPairs = 0;

  before(async function () {
    this.timeout(300_000);
    // The same curation through the CLI: the default options, split by task.
    const dir = await mkdtemp(path.join(os.tmpdir(), 'tracelab-e2e-'));
    const config = path.join(dir, 'curate.toml');
    const init = execFileSync(tracelab, ['curate', '--init'], { encoding: 'utf8' });
    await writeFile(config, init.replace('by = "repo"', 'by = "task"'));
    cliOut = path.join(dir, 'cli');
    const json = JSON.parse(execFileSync(tracelab, ['curate', archive, '--config', config, '--out', cliOut, '--json'], { encoding: 'utf8', maxBuffer: 64 << 20 }));
    cliPairs = json.report.pairs.rows;
  });

  it('previews the counts the CLI reports', async function () {
    this.timeout(300_000);
    await $('[data-testid="tab-curate"]').click();
    const splitBy = await $('[data-testid="curate-split-by"]');
    await splitBy.waitForExist({ timeout: 30_000 });
    await splitBy.selectByAttribute('value', 'task');
    await $('[data-testid="curate-preview"]').click();
    const rows = await $('[data-testid="rows-pairs"]');
    await rows.waitForExist({ timeout: 180_000, timeoutMsg: 'the preview never came' });
    assert.equal((await rows.getText()).trim(), cliPairs.toLocaleString('en-US'));
    await mkdir(screenshotDir, { recursive: true });
    await browser.saveScreenshot(path.join(screenshotDir, 'curate.png'));
  });

  it('exports the same training data as the CLI', async function () {
    this.timeout(300_000);
    const out = path.join(await mkdtemp(path.join(os.tmpdir(), 'tracelab-e2e-')), 'app');
    await $('[data-testid="curate-out"]').setValue(out);
    await $('[data-testid="curate-export"]').click();
    await $('[data-testid="curate-written"]').waitForExist({ timeout: 180_000, timeoutMsg: 'the export never finished' });
    for (const file of ['manifest.json', 'trl_preference/README.md', 'verl/data/train-00000-of-00001.parquet']) {
      assert.ok(existsSync(path.join(out, file)), `${file} was not written`);
    }
    assert.ok(readFileSync(path.join(out, TRAIN)).equals(readFileSync(path.join(cliOut, TRAIN))), 'the app and the CLI wrote different pairs');
  });
});
