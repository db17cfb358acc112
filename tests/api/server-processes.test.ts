/**
 * SERVER_PROCESSES: the real entry point (server/src/main.ts) forking several servers on one port,
 * replacing one that dies, and stopping them all on SIGTERM. PostgreSQL only: the embedded database
 * lives inside one process, so there the setting is refused with a warning (also checked).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';

const databaseUrl = inject('apiDatabaseUrl');
const children: ChildProcess[] = [];

function start(env: Record<string, string>) {
  const port = 40_000 + Math.floor(Math.random() * 5000);
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'info', DEMO_DATA: 'off', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  children.push(child);
  return { child, url: `http://127.0.0.1:${port}`, output: () => output };
}

async function until<T>(probe: () => Promise<T | undefined> | T | undefined, what: string, timeout_ms = 60_000) {
  const deadline = Date.now() + timeout_ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const healthy = async (url: string) => {
  try {
    return (await fetch(`${url}/api/health`)).ok ? true : undefined;
  } catch {
    return undefined;
  }
};

/** The pids of a process's server children (Linux /proc; tsx's esbuild service is a child too). */
function childPids(pid: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^[0-9]+$/.test(d))
    .filter((d) => {
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number)
    .filter(isServer);
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) =>
    child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code)),
  );

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

describe('SERVER_PROCESSES', () => {
  it.runIf(databaseUrl)(
    'forks two servers on one port, replaces one that dies, and stops both on SIGTERM',
    async () => {
      const server = start({ DATABASE_URL: databaseUrl, SERVER_PROCESSES: '2' });
      await until(() => healthy(server.url), 'the servers to answer');
      const workers = await until(() => {
        const pids = childPids(server.child.pid!);
        return pids.length === 2 ? pids : undefined;
      }, 'two server processes');
      // Both take requests on the shared port.
      const answers = await Promise.all(Array.from({ length: 20 }, () => fetch(`${server.url}/api/health`)));
      expect(answers.every((r) => r.ok)).toBe(true);

      process.kill(workers[0]!, 'SIGKILL');
      const replaced = await until(() => {
        const pids = childPids(server.child.pid!);
        return pids.length === 2 && !pids.includes(workers[0]!) ? pids : undefined;
      }, 'a replacement server process');
      expect(replaced).toContain(workers[1]);
      expect(server.output()).toMatch(/a server process died; starting another/);
      await until(() => healthy(server.url), 'the servers to answer again');

      server.child.kill('SIGTERM');
      expect(await exited(server.child)).toBe(0);
      expect(replaced.filter((pid) => existsProcess(pid))).toEqual([]);
    },
  );

  it.runIf(!databaseUrl)('runs one process on the embedded database, and says why', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wangge-processes-'));
    try {
      const server = start({ DATABASE_URL: '', DATA_DIR: dataDir, SERVER_PROCESSES: '2' });
      await until(() => healthy(server.url), 'the server to answer', 120_000);
      expect(server.output()).toMatch(/SERVER_PROCESSES needs DATABASE_URL/);
      expect(childPids(server.child.pid!)).toEqual([]);
      server.child.kill('SIGTERM');
      expect(await exited(server.child)).toBe(0);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

function existsProcess(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function isServer(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('main.ts');
  } catch {
    return false;
  }
}
