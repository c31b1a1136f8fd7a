import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SevereServiceError } from 'webdriverio';

/**
 * Drives the built desktop app through tauri-driver (WebDriver on :4444),
 * which in turn starts WebKitWebDriver for the app's webview.
 *
 * Env:
 *   TRACELAB_APP       app binary; relative paths are taken from the current directory.
 *                      Default: <repo>/target/debug/tracelab-app.
 *   EXPECTED_SESSIONS  session count of the archive the app opens at start-up (read by the spec).
 *
 * The caller supplies a display (e.g. xvfb-run) and a fresh XDG_CONFIG_HOME,
 * so the app opens its bundled sample archive.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const application = process.env.TRACELAB_APP
  ? path.resolve(process.env.TRACELAB_APP)
  : path.resolve(here, '../../target/debug/tracelab-app');

const DRIVER_HOST = '127.0.0.1';
const DRIVER_PORT = 4444;

let tauriDriver: ChildProcess | undefined;

/** tauri-driver is installed by `cargo install`; ~/.cargo/bin is not always on PATH. */
function tauriDriverCommand(): string {
  const cargoBin = path.join(os.homedir(), '.cargo', 'bin', 'tauri-driver');
  const onPath = (process.env.PATH ?? '')
    .split(path.delimiter)
    .some((dir) => dir !== '' && existsSync(path.join(dir, 'tauri-driver')));
  return onPath || !existsSync(cargoBin) ? 'tauri-driver' : cargoBin;
}

/** Resolves once something accepts connections on the port, so the first session does not race the driver. */
async function waitForPort(host: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host, port }, () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    if (tauriDriver?.exitCode !== null && tauriDriver?.exitCode !== undefined) {
      throw new Error(`tauri-driver exited with code ${tauriDriver.exitCode} before listening on ${port}`);
    }
    if (Date.now() > deadline) throw new Error(`tauri-driver did not listen on ${host}:${port} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function stopTauriDriver(): void {
  if (tauriDriver && tauriDriver.exitCode === null) tauriDriver.kill();
  tauriDriver = undefined;
}

export const config: WebdriverIO.Config = {
  runner: 'local',
  specs: ['./specs/**/*.e2e.ts'],
  maxInstances: 1,
  hostname: DRIVER_HOST,
  port: DRIVER_PORT,
  capabilities: [
    {
      maxInstances: 1,
      'tauri:options': { application },
      // tauri-driver speaks classic WebDriver only; WebDriver BiDi would fail the session.
      'wdio:enforceWebDriverClassic': true,
    } as WebdriverIO.Capabilities,
  ],
  logLevel: 'warn',
  framework: 'mocha',
  reporters: ['spec'],
  mochaOpts: { ui: 'bdd', timeout: 120_000 },
  waitforTimeout: 60_000,
  connectionRetryTimeout: 120_000,
  connectionRetryCount: 1,

  async onPrepare() {
    // SevereServiceError stops the run here; a plain Error would only be logged
    // and every spec would then fail on a refused connection instead.
    if (!existsSync(application)) {
      throw new SevereServiceError(`Tracelab app not found at ${application}: build it first or set TRACELAB_APP.`);
    }
    tauriDriver = spawn(tauriDriverCommand(), ['--port', String(DRIVER_PORT)], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    tauriDriver.on('error', (error) => {
      console.error(`Could not start tauri-driver (cargo install tauri-driver --locked): ${error.message}`);
    });
    // A crashed or interrupted run must not leave the driver holding the port.
    process.once('exit', stopTauriDriver);
    try {
      await waitForPort(DRIVER_HOST, DRIVER_PORT, 15_000);
    } catch (error) {
      stopTauriDriver();
      throw new SevereServiceError(error instanceof Error ? error.message : String(error));
    }
  },

  onComplete() {
    stopTauriDriver();
  },
};
