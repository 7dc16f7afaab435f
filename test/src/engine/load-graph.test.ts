// What the resume path loads before its first unit: the modules the engine imports statically (dynamic imports
// load when first used, so they are left out). The plan parsers (GoogleSQL, YAML, the plan schemas) belong to
// `run` and `check`; pulled into the engine they cost every resume and daemon its start-up and ~15 MB of memory
// (rss_mb_1e6 went from 140 to 157 MB when one engine module imported the plan module's index).

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');

/** Specifiers a file imports at load time: value imports and re-exports, not `import type` or `import()`. */
function staticImports(file: string): string[] {
  const src = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, false);
  const out: string[] = [];
  for (const s of src.statements) {
    if (ts.isImportDeclaration(s)) {
      const c = s.importClause;
      const typeOnly =
        c !== undefined &&
        (c.isTypeOnly ||
          (c.name === undefined &&
            c.namedBindings !== undefined &&
            ts.isNamedImports(c.namedBindings) &&
            c.namedBindings.elements.length > 0 &&
            c.namedBindings.elements.every((e) => e.isTypeOnly)));
      if (!typeOnly) out.push((s.moduleSpecifier as ts.StringLiteral).text);
    } else if (ts.isExportDeclaration(s) && s.moduleSpecifier && !s.isTypeOnly) {
      const named = s.exportClause;
      const typeOnly =
        named !== undefined &&
        ts.isNamedExports(named) &&
        named.elements.length > 0 &&
        named.elements.every((e) => e.isTypeOnly);
      if (!typeOnly) out.push((s.moduleSpecifier as ts.StringLiteral).text);
    }
  }
  return out;
}

/** Every project file and package the entry loads, transitively (project files relative to the root). */
function loadGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const queue = [resolve(ROOT, entry)];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    const rel = relative(ROOT, file);
    if (files.has(rel)) continue;
    files.add(rel);
    for (const spec of staticImports(file)) {
      if (!spec.startsWith('.')) {
        packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
        continue;
      }
      const source = join(dirname(file), spec).replace(/\.js$/, '.ts');
      if (!existsSync(source)) throw new Error(`${rel} imports ${spec}, which has no source file`);
      queue.push(source);
    }
  }
  return { files, packages };
}

describe('the resume path load graph', () => {
  it('reaches the engine, store and machines without the plan parsers', () => {
    const g = loadGraph('src/engine/index.ts');
    // The walk itself works: the engine's own modules and its known dependencies are in it.
    expect(g.files).toContain('src/engine/driver.ts');
    expect(g.files).toContain('store/index.ts');
    expect(g.packages).toContain('xstate');
    expect(g.packages).toContain('better-sqlite3');
    for (const heavy of ['sql-parser-cst', 'yaml', 'zod', 'commander'])
      expect(g.packages).not.toContain(heavy);
    for (const file of [
      'src/plan/index.ts',
      'src/plan/load.ts',
      'src/plan/googlesql.ts',
      'src/plan/schema.ts',
    ])
      expect(g.files).not.toContain(file);
  });
});
