// `npm ci` and `npm install` run this: it compiles src/ to dist/, which `npm start` runs. A production
// install (`npm ci --omit=dev`) has no compiler and runs a dist/ built beforehand: nothing to do then.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (!existsSync('node_modules/typescript/package.json')) {
  console.log('mms-chatops: no TypeScript compiler (production install); using the dist/ already built');
  process.exit(0);
}
const r = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
process.exit(r.status ?? 1);
