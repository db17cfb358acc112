import type { TestProject } from 'vitest/node';
import { startAppServer } from './app-server';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the app under test listens, e.g. http://127.0.0.1:41234 */
    e2eBaseUrl: string;
  }
}

/** One real app (web build, demo city, server on a fresh database) for every browser test file. */
export default async function setup(project: TestProject) {
  const app = await startAppServer();
  project.provide('e2eBaseUrl', app.baseUrl);
  return app.stop;
}
