// Bundles the browser console (src/console/web) with esbuild into dist/console: index.html, console.js and
// console.css, with no CDN or network use at run time. Run by `npm run build` once the sources are transpiled;
// owns nothing else.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { consoleDir, packageRoot } from './build-paths.js';

export async function buildConsole(root = packageRoot()): Promise<{ dir: string; bytes: number }> {
  const web = join(root, 'src/console/web');
  const out = consoleDir(root);
  mkdirSync(out, { recursive: true });
  const result = await build({
    entryPoints: { console: join(web, 'main.tsx') },
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['chrome110', 'firefox110', 'safari16'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    outdir: out,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
  });
  const html = readFileSync(join(web, 'index.html'), 'utf8');
  writeFileSync(join(out, 'index.html'), html);
  let bytes = 0;
  for (const o of Object.values(result.metafile.outputs)) bytes += o.bytes;
  return { dir: out, bytes };
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const { dir, bytes } = await buildConsole();
  process.stdout.write(`console bundle: ${dir} (${Math.round(bytes / 1024)} KB)\n`);
}
