// Builds the iwg web console: node web/console/build.mjs OUT
// writes OUT/index.html, OUT/app.js (+ .map, minified, every dependency
// bundled), OUT/app.css (+ .map, uPlot's CSS included) and OUT/favicon.svg.
// iwg-admind serves OUT under /console/ (web_root).
// SPDX-License-Identifier: GPL-2.0-or-later
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = process.argv[2];
if (!out) {
  console.error('usage: node web/console/build.mjs OUTDIR');
  process.exit(2);
}

let esbuild;
try {
  esbuild = await import('esbuild');
} catch (e) {
  console.error(`web/console/build.mjs: esbuild not found (${e.message}); run make deps (npm ci)`);
  process.exit(1);
}

fs.mkdirSync(out, { recursive: true });
try {
  await esbuild.build({
    absWorkingDir: here,
    entryPoints: { app: path.join(here, 'src/main.js') },
    bundle: true,
    minify: true,
    sourcemap: 'linked',
    format: 'iife',
    platform: 'browser',
    target: ['chrome100', 'firefox100', 'safari15'],
    outdir: out,
    legalComments: 'linked',
    logLevel: 'warning',
  });
} catch {
  // esbuild has printed the errors
  process.exit(1);
}
for (const [from, to] of [['index.html', 'index.html'], ['icons/favicon.svg', 'favicon.svg']]) {
  fs.copyFileSync(path.join(here, from), path.join(out, to));
}
