// Bundles the compiled CLI with esbuild into dist/bin, so `phased` starts from three files instead of resolving
// and compiling some 250 modules (start-up is most of a resume):
// - phased.cjs: the whole CLI (dist/cli/bin.js and everything it imports) as one CommonJS file. Each command's
//   modules stay lazy (a dynamically imported module is evaluated when first imported), and one classic script can
//   be run from V8's code cache, which Node 20 offers for no ES module;
// - phased.js: the executable package.json's `bin` names, which runs phased.cjs with that cache (cli/code-cache.ts);
// - sqlite-worker.js: the SQLite warehouse worker, found beside the bundle.
// Owns nothing else.

import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type BuildOptions, build } from 'esbuild';
import { packageRoot } from '../demo/plan-dir.js';

/** Loaded from node_modules at run time: a native addon, packages that load files by name, and elkjs (1.6 MB). */
const EXTERNAL = [
  'better-sqlite3',
  '@google-cloud/bigquery',
  'pino-pretty',
  'esbuild',
  'playwright-core',
  'elkjs',
  'elkjs/*',
];

/** The bundled CLI's entry point, which package.json's `bin` names. */
export function cliBundlePath(root = packageRoot()): string {
  return join(root, 'dist', 'bin', 'phased.js');
}

const COMMON: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  external: EXTERNAL,
  // Whitespace and syntax only (names stay, so PHASED_DEBUG stack traces still read): less text to read and hash.
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: false,
  metafile: true,
  logLevel: 'warning',
};

/** An ES module may call require() (CommonJS dependencies do): give it one. */
const ESM_REQUIRE =
  "import { createRequire as __phasedRequire } from 'node:module';\nconst require = __phasedRequire(import.meta.url);";

/**
 * Bundle `entry` (a compiled ES module) into one CommonJS file `outfile` for launch() (cli/code-cache.ts): its
 * import.meta is the bundle file's, and import() of a package becomes require() (a script run from a code cache
 * has no ES module loader for import()).
 */
export async function bundleCommonJs(entry: string, outfile: string): Promise<number> {
  const result = await build({
    ...COMMON,
    entryPoints: [entry],
    outfile,
    format: 'cjs',
    supported: { 'dynamic-import': false },
    define: {
      'import.meta.url': '__phasedImportMetaUrl',
      'import.meta.filename': '__filename',
      'import.meta.dirname': '__dirname',
    },
    banner: { js: "var __phasedImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  });
  return Object.values(result.metafile?.outputs ?? {}).reduce((n, o) => n + o.bytes, 0);
}

export async function buildCliBundle(root = packageRoot()): Promise<{ file: string; bytes: number }> {
  const dist = join(root, 'dist');
  const entry = join(dist, 'cli', 'bin.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run tsc first (npm run build)`);
  const out = join(dist, 'bin');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  let bytes = await bundleCommonJs(entry, join(out, 'phased.cjs'));
  for (const [name, from] of [
    ['phased.js', join(dist, 'cli', 'launch.js')],
    ['sqlite-worker.js', join(dist, 'src', 'warehouse', 'sqlite-worker.js')],
  ]) {
    const r = await build({
      ...COMMON,
      entryPoints: [from],
      outfile: join(out, name),
      format: 'esm',
      banner: { js: ESM_REQUIRE },
    });
    bytes += Object.values(r.metafile?.outputs ?? {}).reduce((n, o) => n + o.bytes, 0);
  }
  return { file: cliBundlePath(root), bytes };
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const { file, bytes } = await buildCliBundle();
  process.stdout.write(`cli bundle: ${file} (${Math.round(bytes / 1024)} KB)\n`);
}
