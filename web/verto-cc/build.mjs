// Builds @iwg/verto-cc: node web/verto-cc/build.mjs OUT writes
//   OUT/verto-cc.mjs   ES module (import { ContactCenter } from './verto-cc.mjs')
//   OUT/verto-cc.js    classic script defining one global, IWGContactCenter
//   OUT/verto-cc.d.ts  the TypeScript declarations (copied)
// both minified with source maps beside them. @signalwire/js is a peer
// dependency, never bundled: the page loads it and passes its client.
// SPDX-License-Identifier: GPL-2.0-or-later
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = process.argv[2];
if (!out) {
  console.error('usage: node web/verto-cc/build.mjs OUT_DIR');
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
  // the SDK stays out even if a source ever imported it by mistake
  external: ['@signalwire/js'],
  define: { __IWG_CC_VERSION__: JSON.stringify(pkg.version) },
  banner: { js: `/* @iwg/verto-cc ${pkg.version} (GPL-2.0-or-later) */` },
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
};

try {
  const built = await Promise.all([
    esbuild.build({ ...common, format: 'esm', outfile: path.join(out, 'verto-cc.mjs') }),
    esbuild.build({ ...common, format: 'iife', globalName: 'IWGContactCenter', outfile: path.join(out, 'verto-cc.js') }),
  ]);
  // nothing but this package's own sources goes in
  const src = path.join(here, 'src') + path.sep;
  const foreign = built.flatMap((r) => Object.keys(r.metafile.inputs)).filter((f) => !path.resolve(f).startsWith(src));
  if (foreign.length) throw new Error(`files from outside web/verto-cc/src in the bundle: ${[...new Set(foreign)].join(', ')}`);
  fs.copyFileSync(path.join(here, 'verto-cc.d.ts'), path.join(out, 'verto-cc.d.ts'));
} catch (e) {
  console.error(`@iwg/verto-cc build failed: ${e.message}`);
  process.exit(1);
}
