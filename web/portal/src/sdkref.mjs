// The SDK reference as HTML, from readDts()'s model: an index grouped by
// kind, then one <section id="NAME" data-export="NAME"> per export with its
// declaration, JSDoc and members (id "NAME.member"). Names of other exports
// in declarations link to them.
// SPDX-License-Identifier: GPL-2.0-or-later
import ts from 'typescript';
import { esc, prose, selfLink, slug } from './html.mjs';

const GROUPS = [['class', 'Classes'], ['function', 'Functions'], ['interface', 'Interfaces'],
  ['type', 'Types'], ['enum', 'Enumerations'], ['const', 'Constants'], ['variable', 'Variables'],
  ['namespace', 'Namespaces'], ['other', 'Other']];

export const exportAnchor = (name) => slug(name);
export const memberAnchor = (name, member) => slug(`${name}.${member}`);

// TypeScript source text as HTML with identifiers naming an export linked
function linkTypes(text, names, self) {
  const sc = ts.createScanner(ts.ScriptTarget.Latest, false, ts.LanguageVariant.Standard, text);
  let out = '';
  for (let k = sc.scan(); k !== ts.SyntaxKind.EndOfFileToken; k = sc.scan()) {
    const tok = sc.getTokenText();
    if (k === ts.SyntaxKind.Identifier && names.has(tok) && tok !== self) {
      out += `<a href="#${esc(exportAnchor(tok))}">${esc(tok)}</a>`;
    } else {
      out += esc(tok);
    }
  }
  return out;
}

function sigBlock(sigs, names, self) {
  return `<pre class="sig" tabindex="0"><code>${sigs.map((s) => linkTypes(s, names, self)).join('\n')}</code></pre>`;
}

// href of a {@link Target}: an export ("Gateway") or a member
// ("Gateway.connect") of this reference, else null
function linker(model) {
  const anchors = new Map();
  for (const e of model.exports) {
    anchors.set(e.name, exportAnchor(e.name));
    for (const m of e.members) anchors.set(`${e.name}.${m.name}`, memberAnchor(e.name, m.name));
  }
  return (target) => (anchors.has(target) ? `#${anchors.get(target)}` : null);
}

// JSDoc tags: @param/@returns/@throws as a list, @example as code, others as notes
function tagsHtml(tags, link) {
  const out = [];
  const params = tags.filter((t) => t.name === 'param');
  if (params.length) {
    out.push(`<dl class="params">${params.map((t) =>
      `<dt><code>${esc(t.param || '')}</code></dt><dd>${prose(t.text, link) || '&nbsp;'}</dd>`).join('')}</dl>`);
  }
  for (const t of tags) {
    if (t.name === 'param') continue;
    if (t.name === 'example') {
      out.push(`<p class="tag">Example:</p><pre class="code" tabindex="0"><code>${esc(t.text.replace(/^```\w*\n?|```$/g, ''))}</code></pre>`);
    } else if (t.name === 'deprecated') {
      out.push(`<div class="tag deprecated"><strong>Deprecated.</strong> ${prose(t.text, link)}</div>`);
    } else {
      const label = { returns: 'Returns', return: 'Returns', throws: 'Throws', see: 'See', since: 'Since',
        default: 'Default', defaultValue: 'Default' }[t.name] || `@${t.name}`;
      out.push(`<div class="tag"><span class="label">${esc(label)}:</span> ${prose(t.text, link)}</div>`);
    }
  }
  return out.join('');
}

const MEMBER_LABEL = { constructor: 'constructor', method: 'method', property: 'property', event: 'event',
  index: 'index signature', call: 'call signature', member: 'value', other: '' };

function memberHtml(e, m, names, link) {
  const id = memberAnchor(e.name, m.name);
  return `<li class="member" id="${esc(id)}" data-member="${esc(m.name)}" data-kind="${esc(m.kind)}">
<h4><span class="kind">${esc(MEMBER_LABEL[m.kind] || m.kind)}</span> <code>${esc(m.name)}</code> ${selfLink(id)}</h4>
${sigBlock(m.signatures, names, e.name)}${prose(m.doc, link)}${tagsHtml(m.tags, link)}</li>`;
}

function exportHtml(e, names, globalName, link) {
  const id = exportAnchor(e.name);
  const ev = e.members.filter((m) => m.kind === 'event');
  const other = e.members.filter((m) => m.kind !== 'event');
  const lit = e.events.length
    ? `<p>Events (<code>on(event, listener)</code>): ${e.events.map((n) => `<code class="event">${esc(n)}</code>`).join(', ')}</p>` : '';
  const classic = globalName && ['class', 'function', 'const', 'variable', 'enum'].includes(e.kind)
    ? `<p class="classic">Classic script: <code>${esc(globalName)}.${esc(e.name)}</code></p>` : '';
  return `<section class="export" id="${esc(id)}" data-export="${esc(e.name)}" data-kind="${esc(e.kind)}" aria-labelledby="${esc(id)}-h">
<h3 id="${esc(id)}-h"><span class="kind">${esc(e.kind)}</span> <code>${esc(e.name)}</code> ${selfLink(id)}</h3>
${sigBlock(e.signatures, names, e.name)}${prose(e.doc, link)}${tagsHtml(e.tags, link)}${classic}${lit}
${ev.length ? `<h4 class="sub">Events</h4><ul class="members events">${ev.map((m) => memberHtml(e, m, names, link)).join('\n')}</ul>` : ''}
${other.length ? `<h4 class="sub">Members</h4><ul class="members">${other.map((m) => memberHtml(e, m, names, link)).join('\n')}</ul>` : ''}
</section>`;
}

// { index, body, count } of the reference of model = readDts(file)
export function renderSdkRef(model) {
  const names = new Set(model.exports.map((e) => e.name));
  const link = linker(model);
  const groups = GROUPS.map(([k, title]) => [k, title, model.exports.filter((e) => e.kind === k)]).filter((g) => g[2].length);
  const index = `<ul class="index">${groups.map(([k, title, list]) => `<li>${esc(title)}<ul>${list.map((e) =>
    `<li><a href="#${esc(exportAnchor(e.name))}"><code>${esc(e.name)}</code></a>${e.members.length && (k === 'class')
      ? `<ul>${e.members.map((m) => `<li><a href="#${esc(memberAnchor(e.name, m.name))}"><code>${esc(m.name)}</code></a></li>`).join('')}</ul>`
      : ''}</li>`).join('')}</ul></li>`).join('')}</ul>`;
  const body = groups.map(([k, title, list]) => `<section class="group" aria-labelledby="sdk-${esc(k)}"><h2 id="sdk-${esc(k)}">${esc(title)}</h2>
${list.map((e) => exportHtml(e, names, model.globalName, link)).join('\n')}</section>`).join('\n');
  return { index, body, count: model.exports.length, about: prose(model.about, link) };
}
