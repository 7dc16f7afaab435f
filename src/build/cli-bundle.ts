// Bundles the compiled CLI with esbuild into dist/bin, so `phased` starts from three files instead of resolving
// and compiling some 250 modules (start-up is most of a resume):
// - phased.cjs: the whole CLI (dist/cli/bin.js and everything it imports) as one CommonJS file. Each command's
//   modules stay lazy (a dynamically imported module is evaluated when first imported), and one classic script can
//   be run from V8's code cache, which Node 20 offers for no ES module;
// - phased.js: the executable package.json's `bin` names (CommonJS, by the package.json written beside it), which
//   first runs cli/early.ts (a driving command's spare SQLite worker starts booting before the 1.3 MB bundle is
//   read, hashed and deserialized), then runs phased.cjs with that cache (cli/code-cache.ts); bench children are
//   bundled the same way (bundleLaunched), without the prelude;
// - sqlite-worker.cjs: the SQLite warehouse worker, found beside the bundle (CommonJS: a worker thread starts
//   faster from it than from an ES module).
// Owns nothing else.

import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
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

/** launch() and the cache it keeps: the compiled cli/code-cache.js, from this module's place in dist/src/build. */
const CODE_CACHE_MODULE = fileURLToPath(new URL('../../cli/code-cache.js', import.meta.url));
/** The CLI launcher's prelude: the compiled cli/early.js (startEarly). */
const EARLY_MODULE = fileURLToPath(new URL('../../cli/early.js', import.meta.url));

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

/**
 * One CommonJS file whose import.meta is the file's own; import() of a package becomes require() (a script run
 * from a code cache has no ES module loader for import()).
 */
const COMMON_JS: BuildOptions = {
  format: 'cjs',
  supported: { 'dynamic-import': false },
  define: {
    'import.meta.url': '__phasedImportMetaUrl',
    'import.meta.filename': '__filename',
    'import.meta.dirname': '__dirname',
  },
  banner: { js: "var __phasedImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
};

/**
 * Bundle `entry` (a compiled ES module that uses no top-level await) for launch() (cli/code-cache.ts) as
 * `<outDir>/<name>.cjs` (COMMON_JS) and `<outDir>/<name>.js`, the small CommonJS file that launches it (with a
 * package.json beside them that makes it CommonJS). With `early`, the launcher calls that compiled module's
 * startEarly() before it reads the bundle. Returns the bytes written.
 */
export async function bundleLaunched(
  entry: string,
  outDir: string,
  name: string,
  early?: string,
): Promise<number> {
  const cjs = await build({
    ...COMMON,
    ...COMMON_JS,
    entryPoints: [entry],
    outfile: join(outDir, `${name}.cjs`),
  });
  // The launcher is CommonJS too: an ES module entry costs Node its ES module loader's start (~12 ms here). The
  // package.json beside it makes `<name>.js` CommonJS whatever the package's own type.
  writeFileSync(join(outDir, 'package.json'), `${JSON.stringify({ type: 'commonjs' })}\n`);
  const launcher = await build({
    ...COMMON,
    ...COMMON_JS,
    stdin: {
      contents: [
        '#!/usr/bin/env node',
        ...(early ? [`import { startEarly } from ${JSON.stringify(early)};`, 'startEarly();'] : []),
        `import { launch } from ${JSON.stringify(CODE_CACHE_MODULE)};`,
        `launch(require('node:path').join(__dirname, ${JSON.stringify(`${name}.cjs`)}));`,
      ].join('\n'),
      resolveDir: outDir,
      sourcefile: `${name}-launcher.js`,
    },
    outfile: join(outDir, `${name}.js`),
  });
  return bytesOf(cjs) + bytesOf(launcher);
}

const bytesOf = (r: { metafile?: { outputs: Record<string, { bytes: number }> } }): number =>
  Object.values(r.metafile?.outputs ?? {}).reduce((n, o) => n + o.bytes, 0);

export async function buildCliBundle(root = packageRoot()): Promise<{ file: string; bytes: number }> {
  const dist = join(root, 'dist');
  const entry = join(dist, 'cli', 'bin.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: transpile the sources first (npm run build)`);
  const out = join(dist, 'bin');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const cli = await bundleLaunched(entry, out, 'phased', EARLY_MODULE);
  const worker = await build({
    ...COMMON,
    ...COMMON_JS,
    entryPoints: [join(dist, 'src', 'warehouse', 'sqlite-worker.js')],
    outfile: join(out, 'sqlite-worker.cjs'),
  });
  return { file: cliBundlePath(root), bytes: cli + bytesOf(worker) };
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const { file, bytes } = await buildCliBundle();
  process.stdout.write(`cli bundle: ${file} (${Math.round(bytes / 1024)} KB)\n`);
}
