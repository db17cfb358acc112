/**
 * The real app in a child process, on a database of its own, for the browser tests
 * (global-setup.ts) and `npm run screenshot` (screenshot.ts).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDemoCity } from '../../data/src/ensure';
import { createScratchDatabase } from '../support/postgres';

const root = fileURLToPath(new URL('../..', import.meta.url));

export type AppServer = {
  /** Where the app listens, e.g. http://127.0.0.1:41234 */
  baseUrl: string;
  /** Stops the app (SIGTERM, so PGlite closes cleanly) and removes its database. */
  stop: () => Promise<void>;
};

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function waitForHealth(url: string, child: ChildProcess, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`The app exited with code ${child.exitCode} before it was ready`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`The app did not answer ${url}/api/health within ${timeoutMs / 1000} s`);
}

/**
 * Builds the web app and the demo city, then starts the real server (`npm start`'s three steps) with
 * the demo city on a fresh database: a scratch PostgreSQL database when DATABASE_URL is set, else a
 * new PGlite folder. Nothing it writes outlives `stop()` except the builds.
 */
export async function startAppServer(options: { readyTimeoutMs?: number } = {}): Promise<AppServer> {
  const build = spawn('npx', ['tsx', 'scripts/ensure-web-build.ts'], { cwd: root, stdio: 'inherit' });
  const buildCode = await new Promise<number | null>((resolve) => build.on('exit', resolve));
  if (buildCode !== 0) throw new Error('The web build failed');
  await ensureDemoCity();

  const scratch = process.env.DATABASE_URL ? await createScratchDatabase(process.env.DATABASE_URL, 'wangge_e2e') : null;
  const dataDir = mkdtempSync(join(tmpdir(), 'wangge-e2e-'));
  const cleanUp = async () => {
    await scratch?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  const port = await freePort();
  const output: string[] = [];
  // One node process (no npx/tsx wrapper), so SIGTERM reaches the server itself and it closes PGlite.
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DATABASE_URL: scratch?.url ?? '',
      LOG_LEVEL: 'warn',
      // Every browser test comes from 127.0.0.1: per-address limits would throttle the suite, not a user.
      RATE_LIMIT_PER_MINUTE: '0',
      RATE_LIMIT_HEAVY_PER_MINUTE: '0',
      RATE_LIMIT_LOGIN_PER_MINUTE: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitForHealth(baseUrl, child, options.readyTimeoutMs ?? 300_000);
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    await cleanUp();
    throw new Error(`${(error as Error).message}\n--- app output ---\n${output.join('')}`);
  }
  return {
    baseUrl,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      await cleanUp();
    },
  };
}
