/** `npm run dev`: the API with tsx watch on PORT (3000) and Vite's dev server (5173) proxying /api to it. */
import { spawn } from 'node:child_process';
import { ensureDemoCity } from '../data/src/ensure';

// The server reads the demo city but doesn't build it (it never imports data/).
await ensureDemoCity();

const children = [
  spawn('npx', ['tsx', 'watch', 'server/src/main.ts'], { stdio: 'inherit' }),
  spawn('npx', ['vite', '--config', 'web/vite.config.ts'], { stdio: 'inherit' }),
];
const stop = () => {
  for (const child of children) child.kill('SIGTERM');
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
for (const child of children) child.on('exit', stop);
