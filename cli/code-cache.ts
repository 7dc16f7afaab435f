// Running a CommonJS bundle through V8's code cache, so a start-up compiles next to nothing. The cache is a file
// beside the bundle that holds the bundle's SHA-256, so it only ever serves that exact text (V8's own check is the
// text's length); a missing, stale, corrupted or refused cache is ignored (just slower) and written anew once the
// command has run a while. PHASED_CODE_CACHE=0 turns it off. Owns nothing else.

import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

/** Cache files start with this, then the bundle's SHA-256 and the payload's SHA-256 (32 bytes each). */
const MAGIC = Buffer.from('phased-code-cache/1\n');
const HEADER = MAGIC.length + 64;
/** Written this long after start (the run's code is compiled by then), or at exit when that comes first. */
const WRITE_AFTER_MS = 1500;

/** CommonJS's module wrapper (Module.wrap), so the bundle runs as a CommonJS module would. */
const wrap = (text: string): string =>
  `(function (exports, require, module, __filename, __dirname) { ${text}\n});`;

const sha256 = (b: Buffer): Buffer => createHash('sha256').update(b).digest();

/** The cache file for this bundle under this Node (V8 refuses another version's cache anyway). */
export function codeCachePath(bundle: string): string {
  return `${bundle}.${process.versions.v8}-${process.arch}.cache`;
}

/** The V8 payload of a cache file made for a bundle with hash `source`, or undefined when it is not one. */
export function readCodeCache(file: string, source: Buffer): Buffer | undefined {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch {
    return undefined;
  }
  if (data.length <= HEADER || !data.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  if (!data.subarray(MAGIC.length, MAGIC.length + 32).equals(source)) return undefined;
  const payload = data.subarray(HEADER);
  return data.subarray(MAGIC.length + 32, HEADER).equals(sha256(payload)) ? payload : undefined;
}

/** Write the cache file atomically (a reader sees the old file or the new one); an unwritable place is skipped. */
export function writeCodeCache(file: string, source: Buffer, payload: Buffer): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    const fd = openSync(tmp, 'w', 0o644);
    try {
      writeSync(fd, Buffer.concat([MAGIC, source, sha256(payload), payload]));
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch {
    try {
      unlinkSync(tmp);
    } catch {}
  }
}

/** Run the CommonJS bundle `bundle` as this process's program, with the code cache unless `useCache` is false. */
export function launch(bundle: string, useCache = process.env.PHASED_CODE_CACHE !== '0'): void {
  const text = readFileSync(bundle);
  const hash = sha256(text);
  const cacheFile = codeCachePath(bundle);
  const cachedData = useCache ? readCodeCache(cacheFile, hash) : undefined;
  const script = new Script(wrap(text.toString('utf8')), { filename: bundle, cachedData });
  if (useCache && (cachedData === undefined || script.cachedDataRejected)) {
    let written = false;
    const write = () => {
      if (written) return;
      written = true;
      writeCodeCache(cacheFile, hash, script.createCachedData());
    };
    setTimeout(write, WRITE_AFTER_MS).unref();
    process.once('exit', write);
  }
  const module = { exports: {} };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run.call(module.exports, module.exports, createRequire(bundle), module, bundle, dirname(bundle));
}
