// The entry piscina starts: a worker thread is plain Node, so the TypeScript worker module is
// imported through tsx's API (the server and the tests themselves run under tsx).
import { tsImport } from 'tsx/esm/api';

const { default: run } = await tsImport('./siting.worker.ts', import.meta.url);
export default run;
