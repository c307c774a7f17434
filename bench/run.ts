// All benchmarks: `npm run bench` (it builds dist/ first, which runtime.ts runs). Figures are ratios against
// baselines measured in the same run.
import { benchClient } from './client.js';
import { benchRedact } from './redact.js';
import { benchRender } from './render.js';
import { benchRuntime } from './runtime.js';
import { benchSlash } from './slash.js';

console.log(`mms-chatops benchmarks · node ${process.version} · ${new Date().toISOString()}`);
await benchRedact();
await benchRender();
await benchClient();
await benchSlash();
await benchRuntime();
