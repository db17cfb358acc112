import type { TestProject } from 'vitest/node';
import { createScratchDatabase } from '../support/postgres';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A fresh, empty database for this run, or '' for the embedded PGlite. */
    apiDatabaseUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    project.provide('apiDatabaseUrl', '');
    return;
  }
  const scratch = await createScratchDatabase(adminUrl, 'wangge_api');
  project.provide('apiDatabaseUrl', scratch.url);
  return () => scratch.drop();
}
