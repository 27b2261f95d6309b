// HTML text helpers of the portal's build: escaping, anchors, and the small
// text markup (paragraphs, lists, `code`) that descriptions carry.
// SPDX-License-Identifier: GPL-2.0-or-later

const ESC = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

// text (any value) escaped for element content and quoted attribute values
export function esc(text) {
  return String(text ?? '').replace(/[&<>"']/g, (c) => ESC[c]);
}

// an id made of [A-Za-z0-9._-] from parts: "get /api/v1/calls/{id}" ->
// "get-api-v1-calls-id"
export function slug(...parts) {
  return parts.join('-').replace(/[^A-Za-z0-9._]+/g, '-').replace(/^-+|-+$/g, '').replace(/-{2,}/g, '-');
}

const LINK_RE = /\{@link(?:code|plain)?\s+([^\s|}]+)(?:\s*\|\s*|\s+)?([^}]*)\}/g;

// inline markup of text, escaped: `code`, **strong**, and JSDoc
// {@link Target text} as a link where link(Target) gives an href
function inline(text, link) {
  const plain = (t) => esc(t)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');
  let out = '';
  let at = 0;
  for (const m of text.matchAll(LINK_RE)) {
    out += plain(text.slice(at, m.index));
    const label = `<code>${esc(m[2].trim() || m[1])}</code>`;
    const href = link ? link(m[1]) : null;
    out += href ? `<a href="${esc(href)}">${label}</a>` : label;
    at = m.index + m[0].length;
  }
  return out + plain(text.slice(at));
}

// description text (CommonMark-like: blank-line paragraphs, "- " or "* "
// lists) as HTML; everything escaped, only the markup above is produced;
// link: see inline()
export function prose(text, link) {
  if (!text) return '';
  const out = [];
  for (const block of String(text).trim().split(/\n\s*\n/)) {
    const lines = block.split('\n');
    if (lines.every((l) => /^\s*[-*] /.test(l) || /^\s{2,}\S/.test(l))) {
      const items = [];
      for (const l of lines) {
        if (/^\s*[-*] /.test(l)) items.push(l.replace(/^\s*[-*] /, ''));
        else items[items.length - 1] += ` ${l.trim()}`;
      }
      out.push(`<ul>${items.map((i) => `<li>${inline(i, link)}</li>`).join('')}</ul>`);
    } else {
      out.push(`<p>${inline(lines.map((l) => l.trim()).join(' '), link)}</p>`);
    }
  }
  return out.join('\n');
}

// a code block whose textContent is exactly code
export function codeBlock(code, { id, lang } = {}) {
  const attrs = [id ? ` id="${esc(id)}"` : '', lang ? ` data-lang="${esc(lang)}"` : ''].join('');
  return `<pre class="code"${attrs} tabindex="0"><code>${esc(code)}</code></pre>`;
}

// a link to the anchor id, shown as "#", named "permalink" for screen readers
export function selfLink(id) {
  return `<a class="self" href="#${esc(id)}"><span aria-hidden="true">#</span><span class="vh">permalink</span></a>`;
}
