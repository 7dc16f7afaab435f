// Bundles the compiled CLI (dist/cli/bin.js, which loads dist/cli/main.js) and the SQLite worker into dist/bin with esbuild, so `phased`
// starts from a few files instead of resolving and compiling some 250 modules: start-up is most of a resume.
// Commands stay lazy (code splitting keeps each command's imports in its own chunk). Owns nothing else.

import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { packageRoot } from '../demo/plan-dir.js';

/** Loaded from node_modules at run time: a native addon, and packages that load files by name. */
const EXTERNAL = ['better-sqlite3', '@google-cloud/bigquery', 'pino-pretty', 'esbuild', 'playwright-core'];

/** The bundled CLI's entry point, which package.json's `bin` names. */
export function cliBundlePath(root = packageRoot()): string {
  return join(root, 'dist', 'bin', 'phased.js');
}

export async function buildCliBundle(root = packageRoot()): Promise<{ file: string; bytes: number }> {
  const dist = join(root, 'dist');
  const entry = join(dist, 'cli', 'bin.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run tsc first (npm run build)`);
  const out = join(dist, 'bin');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const result = await build({
    // The worker beside the entry: the pool looks for ./sqlite-worker.js next to its own module.
    entryPoints: {
      phased: entry,
      'sqlite-worker': join(dist, 'src', 'warehouse', 'sqlite-worker.js'),
    },
    outdir: out,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: EXTERNAL,
    // CommonJS dependencies call require(); an ES module has none, so give every output file one.
    banner: {
      js: "import { createRequire as __phasedRequire } from 'node:module';\nconst require = __phasedRequire(import.meta.url);",
    },
    // Chunks stay beside the entry: the SQLite pool finds its worker relative to its own chunk.
    chunkNames: '[name]-[hash]',
    // Whitespace and syntax only (names stay, so PHASED_DEBUG stack traces still read): V8 parses every loaded
    // chunk at start-up, and the smaller text saves ~4 % of a resume's time to its first unit.
    minifyWhitespace: true,
    minifySyntax: true,
    sourcemap: false,
    metafile: true,
    logLevel: 'warning',
  });
  let bytes = 0;
  for (const o of Object.values(result.metafile.outputs)) bytes += o.bytes;
  return { file: cliBundlePath(root), bytes };
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const { file, bytes } = await buildCliBundle();
  process.stdout.write(`cli bundle: ${file} (${Math.round(bytes / 1024)} KB)\n`);
}
