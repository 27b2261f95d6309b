// The frame of every portal page: head (stylesheet, module script if any),
// skip link, site navigation with the current page marked, main, footer.
// SPDX-License-Identifier: GPL-2.0-or-later
import { esc } from './html.mjs';

const SITE = 'iwg developer portal';

// the portal's pages, in navigation order: [file, label]
export const NAV = [
  ['index.html', 'Overview'],
  ['getting-started.html', 'Getting started'],
  ['sdk.html', 'SDK reference'],
  ['rest.html', 'REST reference'],
  ['try.html', 'Try a call'],
];

// page({ file, title, main, aside?, script? }) -> the whole HTML document;
// aside is an index shown in a labelled <nav>, script a module file name
export function page({ file, title, main, aside, asideLabel = 'On this page', script }) {
  const nav = NAV.map(([f, label]) =>
    `<li><a href="${esc(f)}"${f === file ? ' aria-current="page"' : ''}>${esc(label)}</a></li>`).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title === SITE ? title : `${title} · ${SITE}`)}</title>
<link rel="stylesheet" href="portal.css">
<link rel="icon" href="favicon.svg" type="image/svg+xml">
${script ? `<script type="module" src="${esc(script)}"></script>\n` : ''}</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site">
<p class="brand"><a href="index.html">iwg <span>developer portal</span></a></p>
<nav aria-label="Portal"><ul>${nav}</ul></nav>
</header>
<div class="frame${aside ? ' with-aside' : ''}">
${aside ? `<nav class="aside" aria-label="${esc(asideLabel)}">${aside}</nav>\n` : ''}<main id="main" tabindex="-1">
<h1>${esc(title)}</h1>
${main}
</main>
</div>
<footer class="site"><p>iwg, the WebRTC interworking gateway. The API this portal documents is served by iwg-admind; the SDK is at <a href="../sdk/iwg.d.ts">/sdk/</a>.</p></footer>
</body>
</html>
`;
}
