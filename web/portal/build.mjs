// Builds the developer portal: node web/portal/build.mjs OUT
// Writes OUT/{index,getting-started,sdk,rest,try}.html, the stylesheet, the
// try-a-call scripts and openapi.yaml. The SDK reference comes from
// web/iwg-js/iwg.d.ts (TypeScript compiler API), the REST reference from
// docs/api/openapi.yaml; both are rendered here, nothing at run time.
// SPDX-License-Identifier: GPL-2.0-or-later
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { codeBlock, esc } from './src/html.mjs';
import { page } from './src/layout.mjs';
import { readDts } from './src/dts.mjs';
import { renderSdkRef } from './src/sdkref.mjs';
import { renderOpenapi } from './src/openapi.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const top = path.resolve(here, '../..');
export const SOURCES = {
  dts: path.join(top, 'web/iwg-js/iwg.d.ts'),
  openapi: path.join(top, 'docs/api/openapi.yaml'),
};
const STATIC = ['portal.css', 'favicon.svg', 'try.mjs', 'try-core.mjs'];

// the parsed OpenAPI file; a syntax error names file:line:column
export function readOpenapi(file) {
  const text = fs.readFileSync(file, 'utf8');
  const doc = YAML.parseDocument(text, { prettyErrors: false });
  if (doc.errors.length) {
    const e = doc.errors[0];
    const [line, col] = e.linePos ? [e.linePos[0].line, e.linePos[0].col] : [0, 0];
    throw new Error(`${file}:${line}:${col}: ${e.message.split('\n')[0]}`);
  }
  return { doc: doc.toJS(), text };
}

// a page fragment with {{example FILE ID "LABEL"}} replaced by the example's code block
function fragment(name) {
  const file = path.join(here, 'pages', name);
  return fs.readFileSync(file, 'utf8').replace(/\{\{example (\S+) (\S+) "([^"]*)"\}\}/g, (_, f, id, label) =>
    `<figure class="example"><figcaption id="${esc(id)}-cap">${esc(label)}</figcaption>`
    + `${codeBlock(fs.readFileSync(path.join(here, 'examples', f), 'utf8'), { id, lang: path.extname(f).slice(1) })}</figure>`);
}

function sdkPage(model) {
  const r = renderSdkRef(model);
  const main = `<p class="lead">Every export of iwg.js, generated from its TypeScript declarations
(<a href="../sdk/iwg.d.ts"><code>iwg.d.ts</code></a>, ${r.count} exports).</p>
${r.about}
${r.body}`;
  return page({ file: 'sdk.html', title: 'SDK reference', main, aside: r.index, asideLabel: 'SDK index' });
}

function restPage(doc) {
  const r = renderOpenapi(doc);
  const main = `<p class="lead">Every route of iwg-admind (${r.count} operations), rendered from
<a href="openapi.yaml"><code>openapi.yaml</code></a>.</p>
${r.body}`;
  return page({ file: 'rest.html', title: 'REST reference', main, aside: r.index, asideLabel: 'REST index' });
}

// build(out, sources): writes the portal into out (made if absent)
export function build(out, sources = SOURCES) {
  const model = readDts(sources.dts);
  const { doc, text } = readOpenapi(sources.openapi);
  fs.mkdirSync(out, { recursive: true });
  const pages = {
    'index.html': page({ file: 'index.html', title: 'iwg developer portal', main: fragment('index.html') }),
    'getting-started.html': page({ file: 'getting-started.html', title: 'Getting started', main: fragment('getting-started.html') }),
    'sdk.html': sdkPage(model),
    'rest.html': restPage(doc),
    'try.html': page({ file: 'try.html', title: 'Try a call', main: fragment('try.html'), script: 'try.mjs' }),
  };
  for (const [name, html] of Object.entries(pages)) fs.writeFileSync(path.join(out, name), html);
  for (const f of STATIC) fs.copyFileSync(path.join(here, 'static', f), path.join(out, f));
  fs.writeFileSync(path.join(out, 'openapi.yaml'), text);
  return Object.keys(pages);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = process.argv[2];
  if (!out || process.argv.length > 3) {
    console.error('usage: node web/portal/build.mjs OUT');
    process.exit(2);
  }
  try {
    build(path.resolve(out));
  } catch (e) {
    console.error(`web/portal/build.mjs: ${e.message}`);
    process.exit(1);
  }
}
