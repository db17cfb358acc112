/**
 * The app under benchmark: started as its own process (`node --import tsx server/src/main.ts`), so
 * the load generator never shares its event loop. Shared by every bench script.
 */
import { type ChildProcess, type StdioOptions, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Starts the server on 127.0.0.1:`port` with `env` on top of this process's environment. One
 * address sends all of a bench's load, so the per-address rate limits are off unless `env` says.
 * `root` runs the server from another checkout (to compare a change with the code before it).
 */
export function startServer(options: {
  port: number;
  env?: Record<string, string>;
  root?: string;
  stdio?: StdioOptions;
}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: options.root ?? REPO_ROOT,
    env: {
      ...process.env,
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(options.port),
      RATE_LIMIT_PER_MINUTE: '0',
      RATE_LIMIT_HEAVY_PER_MINUTE: '0',
      RATE_LIMIT_LOGIN_PER_MINUTE: '0',
      ...options.env,
    },
    stdio: options.stdio ?? ['ignore', 'inherit', 'inherit'],
  });
}

/** Milliseconds until `/api/health` answers 200; throws if the server exits first. */
export async function untilHealthy(url: string, child: ChildProcess, poll_ms = 100): Promise<number> {
  const started = performance.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) return performance.now() - started;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, poll_ms));
  }
}

/** SIGTERM, then waits for the exit (the server closes its database cleanly on the way out). */
export async function stopServer(child: ChildProcess) {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
}
