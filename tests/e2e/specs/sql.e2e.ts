import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { $, $$, browser } from '@wdio/globals';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const tracelab = path.join(repoRoot, 'target', 'debug', 'tracelab');
const archive = path.join(repoRoot, 'sample-data', 'archive');
const QUERY = 'select outcome, count(*) as n from sessions group by outcome order by outcome';

/** A port nothing listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function waitForPort(port: number): Promise<void> {
  await browser.waitUntil(
    () =>
      new Promise<boolean>((resolve) => {
        const socket = net.connect(port, '127.0.0.1', () => {
          socket.end();
          resolve(true);
        });
        socket.on('error', () => resolve(false));
      }),
    { timeout: 30_000, interval: 100, timeoutMsg: `nothing listened on ${port}` },
  );
}

async function setEngine(value: string): Promise<void> {
  const input = await $('[data-testid="sql-engine"]');
  await input.clearValue();
  await input.setValue(value);
}

async function runStatement(text: string): Promise<void> {
  const input = await $('[data-testid="sql-input"]');
  await input.clearValue();
  await input.setValue(text);
  await $('[data-testid="sql-run"]').click();
}

describe('The SQL console', () => {
  // No screenshots here: WebKitWebDriver's screenshot hangs on this view under Xvfb (the
  // view itself stays responsive: every command below still answers).
  it('answers a query as the CLI does', async () => {
    const want: { outcome: string; n: number }[] = JSON.parse(execFileSync(tracelab, ['query', archive, QUERY, '--format', 'json'], { encoding: 'utf8' }));
    await $('[data-testid="tab-sql"]').click();
    await runStatement(QUERY);
    await browser.waitUntil(async () => (await $$('[data-testid="sql-row"]').length) === want.length, {
      timeout: 60_000,
      timeoutMsg: `the grid never showed ${want.length} rows`,
    });
    const rows = await $$('[data-testid="sql-row"]');
    for (let i = 0; i < want.length; i++) {
      const cells = await rows[i].$$('[role="cell"]');
      assert.equal((await cells[1].getText()).trim(), want[i].outcome);
      assert.equal((await cells[2].getText()).trim(), String(want[i].n));
    }
  });

  it('refuses to write a file', async () => {
    const target = path.join(await mkdtemp(path.join(os.tmpdir(), 'tracelab-e2e-')), 'leak.csv');
    await runStatement(`COPY sessions TO '${target}'`);
    const banner = await $('[data-testid="error-banner"]');
    await banner.waitForExist({ timeout: 30_000, timeoutMsg: 'a COPY statement showed no error' });
    assert.match(await banner.getText(), /read-only/);
    assert.equal(existsSync(target), false, 'COPY wrote a file');
  });

  it('runs the statement on a Ballista cluster named in its engine setting', async function () {
    this.timeout(120_000);
    const bin = path.join(repoRoot, 'target', 'debug');
    const [port, flight, grpc] = [await freePort(), await freePort(), await freePort()];
    const processes: ChildProcess[] = [];
    try {
      processes.push(spawn(path.join(bin, 'tracelab-scheduler'), ['--port', String(port)], { stdio: 'ignore' }));
      await waitForPort(port);
      processes.push(
        spawn(
          path.join(bin, 'tracelab-executor'),
          ['--scheduler', `127.0.0.1:${port}`, '--port', String(flight), '--grpc-port', String(grpc), '--heartbeat', '1'],
          { stdio: 'ignore' },
        ),
      );
      await waitForPort(flight);
      const want: { outcome: string; n: number }[] = JSON.parse(execFileSync(tracelab, ['query', archive, QUERY, '--format', 'json'], { encoding: 'utf8' }));
      await setEngine(`ballista://127.0.0.1:${port}`);
      await runStatement(QUERY);
      await browser.waitUntil(async () => (await $$('[data-testid="sql-row"]').length) === want.length, {
        timeout: 60_000,
        timeoutMsg: 'the cluster never answered',
      });
      const rows = await $$('[data-testid="sql-row"]');
      for (let i = 0; i < want.length; i++) {
        const cells = await rows[i].$$('[role="cell"]');
        assert.equal((await cells[2].getText()).trim(), String(want[i].n));
      }
    } finally {
      for (const p of processes) p.kill('SIGKILL');
    }
    // With the cluster gone and the setting on an address where nothing listens: the error
    // names the scheduler.
    const closed = await freePort();
    await setEngine(`ballista://127.0.0.1:${closed}`);
    await runStatement(QUERY);
    const banner = await $('[data-testid="error-banner"]');
    await banner.waitForExist({ timeout: 30_000, timeoutMsg: 'an unreachable scheduler showed no error' });
    assert.match(await banner.getText(), new RegExp(`cannot reach the Ballista scheduler at ballista://127.0.0.1:${closed}`));
    await setEngine('local');
  });
});
