// Builds iwg.js: node web/iwg-js/build.mjs OUT writes
//   OUT/iwg.mjs   ES module (import { Gateway } from './iwg.mjs')
//   OUT/iwg.js    classic script defining one global, IWG
//   OUT/iwg.d.ts  the TypeScript declarations (copied)
// both bundles minified with JsSIP inside and source maps beside them.
// SPDX-License-Identifier: GPL-2.0-or-later
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = process.argv[2];
if (!out) {
  console.error('usage: node web/iwg-js/build.mjs OUT_DIR');
  process.exit(2);
}
const pkg = JSON.parse(fs.readFileSync(path.join(here, 'package.json'), 'utf8'));
fs.mkdirSync(out, { recursive: true });

const common = {
  entryPoints: [path.join(here, 'src', 'index.js')],
  bundle: true,
  minify: true,
  sourcemap: true,
  platform: 'browser',
  target: ['chrome100', 'firefox100', 'safari15'],
  define: { __IWG_VERSION__: JSON.stringify(pkg.version) },
  banner: { js: `/* iwg.js ${pkg.version} (GPL-2.0-or-later), with JsSIP (MIT) */` },
  legalComments: 'none',
  logLevel: 'warning',
};

try {
  await Promise.all([
    esbuild.build({ ...common, format: 'esm', outfile: path.join(out, 'iwg.mjs') }),
    esbuild.build({ ...common, format: 'iife', globalName: 'IWG', outfile: path.join(out, 'iwg.js') }),
  ]);
  fs.copyFileSync(path.join(here, 'iwg.d.ts'), path.join(out, 'iwg.d.ts'));
} catch (e) {
  console.error(`iwg.js build failed: ${e.message}`);
  process.exit(1);
}
