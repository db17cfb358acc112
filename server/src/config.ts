import { resolve } from 'node:path';
import { z } from 'zod';

/**
 * Configuration comes from the environment only, validated once at start so a typo in PORT or
 * DATABASE_URL fails loudly instead of half-working.
 */
const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must start with postgres:// or postgresql://')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  DATA_DIR: z.string().default('.data'),
  BASEMAP_STYLE_URL: z
    .string()
    .url()
    .optional()
    .or(z.literal('').transform(() => undefined)),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Skip loading the demo city into an empty database (for tests that seed their own rows). */
  DEMO_DATA: z.enum(['auto', 'off']).default('auto'),
  /** A request that has not answered by then gets 503 `timeout`. */
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(600_000).default(30_000),
  /** PostgreSQL's `statement_timeout` for every connection (heavy queries may set their own). */
  STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(15_000),
  /**
   * Server processes sharing the port (node:cluster), with DATABASE_URL only: PGlite lives inside
   * one process. Each has its own pool, caches and routing threads.
   */
  SERVER_PROCESSES: z.coerce.number().int().min(1).max(64).default(1),
  /** On SIGTERM/SIGINT, how long in-flight requests may take to finish before their sockets close. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
  /**
   * Hide grid workers' names and phones from everyone, signed in or not. Without it, signed-in staff
   * see them and the public never does.
   */
  HIDE_PERSONAL_DATA: z.enum(['true', 'false']).default('false'),
  /** How long a browser session lasts without use. */
  SESSION_TTL_HOURS: z.coerce
    .number()
    .min(0.1)
    .max(24 * 30)
    .default(12),
  /**
   * Express's `trust proxy`: set it (e.g. `1`, `loopback`) behind a reverse proxy, so that rate limits
   * and sign-in lockouts see the client's address and the session cookie is marked Secure over HTTPS.
   */
  TRUST_PROXY: z.string().default(''),
  /** Requests per minute per address to any /api route; `0` turns the limit off (benchmarks, tests). */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).max(1_000_000).default(600),
  /** Requests per minute per address to coverage, isochrones and reachable stations; `0` turns it off. */
  RATE_LIMIT_HEAVY_PER_MINUTE: z.coerce.number().int().min(0).max(1_000_000).default(30),
  /** Sign-in attempts per minute per address (lockouts per account come on top); `0` turns it off. */
  RATE_LIMIT_LOGIN_PER_MINUTE: z.coerce.number().int().min(0).max(1_000_000).default(10),
});

export type Config = {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  basemapStyleUrl: string | undefined;
  logLevel: z.infer<typeof Env>['LOG_LEVEL'];
  demoData: 'auto' | 'off';
  hidePersonalData: boolean;
  sessionTtl_s: number;
  trustProxy: string;
  requestTimeoutMs: number;
  statementTimeoutMs: number;
  shutdownTimeoutMs: number;
  serverProcesses: number;
  /** Requests per minute per address; 0 = no limit. See rateLimiters() in routes/rate-limit.ts. */
  rateLimits: { perMinute: number; heavyPerMinute: number; loginPerMinute: number };
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: resolve(e.DATA_DIR),
    basemapStyleUrl: e.BASEMAP_STYLE_URL,
    logLevel: e.LOG_LEVEL,
    demoData: e.DEMO_DATA,
    hidePersonalData: e.HIDE_PERSONAL_DATA === 'true',
    sessionTtl_s: Math.round(e.SESSION_TTL_HOURS * 3600),
    trustProxy: e.TRUST_PROXY,
    requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
    statementTimeoutMs: e.STATEMENT_TIMEOUT_MS,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    serverProcesses: e.SERVER_PROCESSES,
    rateLimits: {
      perMinute: e.RATE_LIMIT_PER_MINUTE,
      heavyPerMinute: e.RATE_LIMIT_HEAVY_PER_MINUTE,
      loginPerMinute: e.RATE_LIMIT_LOGIN_PER_MINUTE,
    },
  };
}
