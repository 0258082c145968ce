/**
 * ESLint rule `cliplab/no-import-cycle`: no source file may reach itself through its imports, type-only
 * imports included. style.md asks for leaf type modules that both sides import from, so that no two
 * files import each other; a type-only cycle is harmless at run time but is the first step to a real
 * one, and it hides which module owns a type. (eslint-plugin-import-x's no-cycle skips type imports,
 * which is where all of cliplab's cycles were.)
 *
 * The rule reads the import graph of every .ts and .svelte file under `roots` (relative imports only:
 * a package cannot import our files back), with the linted file's own imports taken from the text
 * being linted, and reports each import that leads into a cycle with the way back.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const SOURCE = /\.(ts|svelte)$/;
const SCRIPT = /<script\b[^>]*>([\s\S]*?)<\/script>/g;

/** The import specifiers of a file's text; a component's come from its <script> blocks. */
function specifiersOf(file, text) {
  const code = file.endsWith('.svelte') ? [...text.matchAll(SCRIPT)].map((m) => m[1]).join('\n') : text;
  return ts.preProcessFile(code, true, true).importedFiles.map((f) => f.fileName);
}

/** The file a relative specifier names, as Vite and TypeScript resolve it here; null for packages. */
function resolve(from, specifier) {
  if (!specifier.startsWith('.')) return null;
  const base = path.resolve(path.dirname(from), specifier);
  const candidates = [base, `${base}.ts`, base.replace(/\.js$/, '.ts'), path.join(base, 'index.ts')];
  return candidates.find((c) => SOURCE.test(c) && isFile(c)) ?? null;
}

function isFile(file) {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function sourceFiles(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(full);
    return SOURCE.test(entry.name) ? [full] : [];
  });
}

/** Imports per file, read again only when a file's modification time changes (editors lint often). */
const cache = new Map();

function importsOf(file) {
  const mtime = fs.statSync(file).mtimeMs;
  const known = cache.get(file);
  if (known && known.mtime === mtime) return known.imports;
  const imports = resolvedImports(file, fs.readFileSync(file, 'utf8'));
  cache.set(file, { mtime, imports });
  return imports;
}

function resolvedImports(file, text) {
  return [...new Set(specifiersOf(file, text).map((s) => resolve(file, s)))].filter(Boolean);
}

/**
 * The import graph under `roots`. One lint run asks for it once per file: the folders are walked and
 * the files' times checked at most once a second, which keeps the rule cheap and an editor current.
 */
let scanned = { key: '', at: 0, graph: new Map() };

function scan(roots) {
  const key = roots.join('\0');
  if (scanned.key === key && Date.now() - scanned.at < 1000) return scanned.graph;
  const graph = new Map(roots.flatMap(sourceFiles).map((f) => [f, importsOf(f)]));
  scanned = { key, at: Date.now(), graph };
  return graph;
}

/** The shortest import path from `start` back to `goal` (both included), or null. */
function pathBack(graph, start, goal) {
  const previous = new Map([[start, null]]);
  const queue = [start];
  while (queue.length > 0) {
    const at = queue.shift();
    for (const next of graph.get(at) ?? []) {
      if (next === goal) {
        const route = [goal];
        for (let step = at; step !== null; step = previous.get(step)) route.unshift(step);
        return route;
      }
      if (!previous.has(next)) {
        previous.set(next, at);
        queue.push(next);
      }
    }
  }
  return null;
}

export default {
  meta: {
    type: 'problem',
    docs: { description: 'Forbid import cycles between source files, type-only imports included' },
    schema: [
      {
        type: 'object',
        properties: { roots: { type: 'array', items: { type: 'string' } } },
        additionalProperties: false,
      },
    ],
    messages: { cycle: 'Import cycle: {{route}}. Move what both need into a module that imports neither.' },
  },
  create(context) {
    const file = path.resolve(context.filename);
    const roots = (context.options[0]?.roots ?? ['.']).map((r) => path.resolve(context.cwd, r));
    const name = (f) => path.relative(context.cwd, f);
    /** This file's imports as the linter parsed them (the text being linted, saved or not). */
    const imports = [];
    const collect = (node) => {
      if (typeof node.source?.value !== 'string') return;
      const target = resolve(file, node.source.value);
      // A component that renders itself (a recursive tree) imports itself: not a cycle between files.
      if (target && target !== file) imports.push({ node, target });
    };
    return {
      ImportDeclaration: collect,
      ExportNamedDeclaration: collect,
      ExportAllDeclaration: collect,
      ImportExpression: collect,
      'Program:exit'() {
        if (imports.length === 0) return;
        const graph = new Map(scan(roots));
        graph.set(file, [...new Set(imports.map((i) => i.target))]);
        for (const { node, target } of imports) {
          const route = pathBack(graph, target, file);
          if (route)
            context.report({ node, messageId: 'cycle', data: { route: [file, ...route].map(name).join(' -> ') } });
        }
      },
    };
  },
};
