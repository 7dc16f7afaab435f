// The console's page: static files built by the front-end bundle into dist/console/ (index.html, JS, CSS),
// served as they are. Without a build, one line says how to make it.

import { existsSync, readFileSync, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../demo/plan-dir.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
};

export const NOT_BUILT_HTML =
  '<!DOCTYPE html><html><head><meta charset="utf-8"><title>phased</title></head><body>The console assets are not built: run <code>npm run build</code>.</body></html>';

/** dist/console/ of the package this module belongs to (its root: packageRoot), else of the working directory. */
export function defaultAssetsDir(): string {
  try {
    return join(packageRoot(fileURLToPath(import.meta.url)), 'dist', 'console');
  } catch {
    return resolve('dist', 'console');
  }
}

export class StaticAssets {
  private readonly root: string;
  constructor(dir: string) {
    this.root = resolve(dir);
  }

  /** Serve `path` (GET /…): a file under the root, index.html for `/` and for page routes without an extension. */
  serve(path: string, res: ServerResponse): void {
    let rel = decodeURIComponent(path);
    if (rel === '/' || extname(rel) === '') rel = '/index.html';
    const file = normalize(join(this.root, rel));
    if (file !== this.root && !file.startsWith(this.root + sep)) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    if (!existsSync(file) || !statSync(file).isFile()) {
      if (rel === '/index.html') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        res.end(NOT_BUILT_HTML);
        return;
      }
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end(`no file ${path}`);
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
    });
    res.end(readFileSync(file));
  }
}
