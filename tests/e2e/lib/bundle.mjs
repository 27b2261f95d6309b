// Bundles the page client (tests/e2e/page/client.js + JsSIP) with esbuild into
// $IWG_BUILD/e2e/client.bundle.js. Built once per process.
// SPDX-License-Identifier: GPL-2.0-or-later
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
export const pageDir = path.resolve(here, '../page');
const top = path.resolve(here, '../../..');

let built = null;

// returns the path of the bundle
export function bundleClient() {
  if (!built) {
    const buildDir = process.env.IWG_BUILD || path.join(top, 'build');
    const outfile = path.join(buildDir, 'e2e', 'client.bundle.js');
    built = esbuild.build({
      entryPoints: [path.join(pageDir, 'client.js')],
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'chrome110',
      sourcemap: 'inline',
      outfile,
      logLevel: 'silent',
    }).then(() => outfile, (err) => {
      throw new Error(`esbuild could not bundle ${path.join(pageDir, 'client.js')} (is node_modules installed? run scripts/deps.sh): ${err.message}`);
    });
  }
  return built;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  bundleClient().then((f) => console.log(f));
}
