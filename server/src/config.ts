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
  /** Show grid workers' names and phones (personal data) in API responses. */
  SHOW_PERSONAL_DATA: z.enum(['true', 'false']).default('true'),
});

export type Config = {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  basemapStyleUrl: string | undefined;
  logLevel: z.infer<typeof Env>['LOG_LEVEL'];
  demoData: 'auto' | 'off';
  showPersonalData: boolean;
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
    showPersonalData: e.SHOW_PERSONAL_DATA === 'true',
  };
}
