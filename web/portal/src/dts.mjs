// The SDK reference's model: the exports of a TypeScript declaration file
// (iwg.d.ts) read with the TypeScript compiler API, each with its JSDoc,
// declaration text and members. Rendering is in sdkref.mjs.
// SPDX-License-Identifier: GPL-2.0-or-later
import ts from 'typescript';

// kind of a declaration node, as the reference groups them
function kindOf(d) {
  if (ts.isClassDeclaration(d)) return 'class';
  if (ts.isInterfaceDeclaration(d)) return 'interface';
  if (ts.isFunctionDeclaration(d)) return 'function';
  if (ts.isTypeAliasDeclaration(d)) return 'type';
  if (ts.isEnumDeclaration(d)) return 'enum';
  if (ts.isModuleDeclaration(d)) return 'namespace';
  if (ts.isVariableDeclaration(d)) {
    return d.parent && d.parent.flags & ts.NodeFlags.Const ? 'const' : 'variable';
  }
  return 'other';
}

// JSDoc of a symbol or signature: { doc, tags: [{ name, param?, text }] }
function jsdoc(checker, owner) {
  const doc = ts.displayPartsToString(owner.getDocumentationComment(checker)).trim();
  const tags = (owner.getJsDocTags(checker) || []).map((t) => {
    const parts = t.text || [];
    const p = parts.find((x) => x.kind === 'parameterName' || x.kind === 'propertyName');
    const text = ts.displayPartsToString(parts.filter((x) => x !== p)).trim();
    return { name: t.name, ...(p ? { param: p.text } : {}), text };
  });
  return { doc, tags };
}

// declaration text without JSDoc, `export`/`declare` and, for classes and
// interfaces, their body
function declText(sf, d) {
  let node = d;
  if (ts.isVariableDeclaration(d)) {
    const list = d.parent;
    const kw = list.flags & ts.NodeFlags.Const ? 'const' : list.flags & ts.NodeFlags.Let ? 'let' : 'var';
    return `${kw} ${d.getText(sf)}`;
  }
  let text = node.getText(sf);
  if (ts.isClassDeclaration(d) || ts.isInterfaceDeclaration(d) || ts.isEnumDeclaration(d) || ts.isModuleDeclaration(d)) {
    const brace = d.getChildren(sf).find((c) => c.kind === ts.SyntaxKind.OpenBraceToken)
      || (ts.isModuleDeclaration(d) && d.body ? d.body : null);
    if (brace) text = sf.text.slice(d.getStart(sf), brace.getStart(sf)).trimEnd();
  }
  return text.replace(/^(export\s+)?(default\s+)?(declare\s+)?/, '');
}

function memberKind(m) {
  if (ts.isConstructorDeclaration(m) || ts.isConstructSignatureDeclaration(m)) return 'constructor';
  if (ts.isMethodDeclaration(m) || ts.isMethodSignature(m)) return 'method';
  if (ts.isGetAccessorDeclaration(m) || ts.isSetAccessorDeclaration(m)) return 'accessor';
  if (ts.isPropertyDeclaration(m) || ts.isPropertySignature(m)) return 'property';
  if (ts.isIndexSignatureDeclaration(m)) return 'index';
  if (ts.isCallSignatureDeclaration(m)) return 'call';
  if (ts.isEnumMember(m)) return 'member';
  return 'other';
}

function memberName(sf, m, kind) {
  if (kind === 'constructor') return 'constructor';
  if (kind === 'index') return '[index]';
  if (kind === 'call') return '(call)';
  const n = m.name;
  if (!n) return '(unnamed)';
  if (ts.isStringLiteral(n) || ts.isNumericLiteral(n)) return n.text;
  return n.getText(sf);
}

// members of a class, interface or enum declaration, overloads grouped
function members(checker, sf, d) {
  const out = new Map();
  for (const m of d.members || []) {
    if (m.modifiers && m.modifiers.some((x) => x.kind === ts.SyntaxKind.PrivateKeyword)) continue;
    if (m.name && ts.isPrivateIdentifier(m.name)) continue;
    const kind = memberKind(m);
    const name = memberName(sf, m, kind);
    const key = `${kind === 'accessor' ? 'property' : kind}:${name}`;
    let doc = { doc: '', tags: [] };
    if (['constructor', 'method', 'call'].includes(kind)) {
      const sig = checker.getSignatureFromDeclaration(m);
      if (sig) doc = jsdoc(checker, sig);
    }
    if (!doc.doc && !doc.tags.length && m.name) {
      const sym = checker.getSymbolAtLocation(m.name);
      if (sym) doc = jsdoc(checker, sym);
    }
    const text = m.getText(sf).replace(/;\s*$/, '');
    if (!out.has(key)) out.set(key, { name, kind: kind === 'accessor' ? 'property' : kind, signatures: [], doc: '', tags: [] });
    const e = out.get(key);
    e.signatures.push(text);
    if (doc.doc && !e.doc.includes(doc.doc)) e.doc = e.doc ? `${e.doc}\n\n${doc.doc}` : doc.doc;
    e.tags.push(...doc.tags);
  }
  return [...out.values()];
}

// names of events a class declares through overloads on(event: 'x', ...)
function literalEvents(checker, d) {
  const names = [];
  for (const m of d.members || []) {
    if (!(ts.isMethodDeclaration(m) || ts.isMethodSignature(m)) || !m.name || m.name.getText() !== 'on') continue;
    const p = m.parameters[0];
    if (!p || !p.type) continue;
    const t = checker.getTypeFromTypeNode(p.type);
    for (const u of t.isUnion() ? t.types : [t]) if (u.isStringLiteral()) names.push(u.value);
  }
  return [...new Set(names)];
}

function entry(checker, sf, name, sym) {
  if (sym.flags & ts.SymbolFlags.Alias) sym = checker.getAliasedSymbol(sym);
  const decls = (sym.getDeclarations() || []).filter((d) => d.getSourceFile() === sf || true);
  const kinds = decls.map(kindOf).filter((k) => k !== 'other');
  const kind = kinds.includes('class') ? 'class' : kinds[0] || 'other';
  const main = decls.filter((d) => kindOf(d) === kind);
  const e = {
    name,
    kind,
    ...jsdoc(checker, sym),
    signatures: main.map((d) => declText(d.getSourceFile(), d)),
    members: [],
    events: [],
  };
  if (kind === 'function' && !e.doc) {
    const sig = checker.getSignatureFromDeclaration(main[0]);
    if (sig) Object.assign(e, jsdoc(checker, sig));
  }
  for (const d of main) {
    if (kind === 'class' || kind === 'interface' || kind === 'enum') e.members.push(...members(checker, d.getSourceFile(), d));
    if (kind === 'class' || kind === 'interface') e.events.push(...literalEvents(checker, d));
  }
  // an interface named *Events / *EventMap lists events as its members
  if (kind === 'interface' && /Event(s|Map)$/.test(name)) {
    for (const m of e.members) if (m.kind === 'property' || m.kind === 'method') m.kind = 'event';
  }
  return e;
}

// readDts(file) -> { exports: [entry], globalName: 'IWG' | null, about }
// (about: the @packageDocumentation comment)
// entry: { name, kind, doc, tags, signatures[], members[], events[] };
// throws on a file TypeScript reports syntax errors in
export function readDts(file) {
  const program = ts.createProgram([file], {
    noEmit: true, target: ts.ScriptTarget.ES2022, lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'], types: [],
  });
  const sf = program.getSourceFile(file);
  if (!sf) throw new Error(`${file}: cannot read`);
  const diags = program.getSyntacticDiagnostics(sf);
  if (diags.length) {
    const d = diags[0];
    const { line, character } = sf.getLineAndCharacterOfPosition(d.start || 0);
    throw new Error(`${file}:${line + 1}:${character + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  }
  const checker = program.getTypeChecker();
  let about = '';
  for (const st of sf.statements) {
    // every JSDoc block before the statement (the public helper gives the last only)
    for (const j of st.jsDoc || []) {
      if ((j.tags || []).some((t) => t.tagName.text === 'packageDocumentation')) {
        about = ts.getTextOfJSDocComment(j.comment) || '';
      }
    }
  }
  let globalName = null;
  for (const s of sf.statements) if (ts.isNamespaceExportDeclaration(s)) globalName = s.name.text;
  const modSym = checker.getSymbolAtLocation(sf);
  let list;
  if (modSym) {
    list = checker.getExportsOfModule(modSym).map((s) => entry(checker, sf, s.getName(), s));
  } else {
    // a global script: its top-level declarations; a namespace's members
    // are listed as NS.Name
    list = [];
    const walk = (prefix, syms) => {
      for (const s of syms) {
        const e = entry(checker, sf, prefix + s.getName(), s);
        list.push(e);
        if (e.kind === 'namespace' && s.exports) walk(`${prefix}${s.getName()}.`, [...s.exports.values()]);
      }
    };
    walk('', sf.statements.flatMap((st) => (ts.isVariableStatement(st)
      ? st.declarationList.declarations.map((d) => d.symbol) : st.symbol ? [st.symbol] : [])).filter(Boolean)
      .map((s) => checker.getMergedSymbol(s)));
    if (!globalName) {
      const ns = list.filter((e) => e.kind === 'namespace');
      if (ns.length === 1) globalName = ns[0].name;
    }
  }
  list.sort((a, b) => a.name.localeCompare(b.name));
  return { exports: list, globalName, about };
}
