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

// inline markup of escaped text: `code`, **strong**
function inline(text) {
  return esc(text)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');
}

// description text (CommonMark-like: blank-line paragraphs, "- " or "* "
// lists) as HTML; everything escaped, only the markup above is produced
export function prose(text) {
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
      out.push(`<ul>${items.map((i) => `<li>${inline(i)}</li>`).join('')}</ul>`);
    } else {
      out.push(`<p>${inline(lines.map((l) => l.trim()).join(' '))}</p>`);
    }
  }
  return out.join('\n');
}

// a code block whose textContent is exactly code
export function codeBlock(code, { id, label, lang } = {}) {
  const attrs = [id ? ` id="${esc(id)}"` : '', label ? ` aria-label="${esc(label)}"` : '',
    lang ? ` data-lang="${esc(lang)}"` : ''].join('');
  return `<pre class="code"${attrs} tabindex="0"><code>${esc(code)}</code></pre>`;
}
