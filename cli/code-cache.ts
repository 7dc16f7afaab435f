// Running a CommonJS bundle through V8's code cache, so a start-up compiles next to nothing. The cache is a file
// beside the bundle (or, where its user cannot write, in the user's cache folder) that holds the bundle's SHA-256,
// so it only ever serves that exact text (V8's own check is the text's length); a missing, stale, corrupted or
// refused cache is ignored (just slower) and written anew. PHASED_CODE_CACHE=0 turns it off. Owns nothing else.

import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';

/**
 * Cache files start with this, then one byte (1: settled, see launch()), the bundle's SHA-256 and the payload's
 * SHA-256 (32 bytes each).
 */
const MAGIC = Buffer.from('phased-code-cache/2\n');
const HASHES = MAGIC.length + 1;
const HEADER = HASHES + 64;
/**
 * How long a process runs before its cache is settled: a run has compiled its driving code by then. Making a
 * cache costs the process ~25 ms, once. PHASED_CODE_CACHE_SETTLE_MS sets another time (tests).
 */
const SETTLE_AFTER_MS = 500;

function settleAfterMs(): number {
  const v = Number(process.env.PHASED_CODE_CACHE_SETTLE_MS);
  return Number.isFinite(v) && v >= 0 ? v : SETTLE_AFTER_MS;
}

/** CommonJS's module wrapper (Module.wrap), so the bundle runs as a CommonJS module would. */
const wrap = (text: string): string =>
  `(function (exports, require, module, __filename, __dirname) { ${text}\n});`;

const sha256 = (b: Buffer): Buffer => createHash('sha256').update(b).digest();

/** The cache file beside this bundle, for this Node (V8 refuses another version's cache anyway). */
export function codeCachePath(bundle: string): string {
  return `${bundle}.${process.versions.v8}-${process.arch}.cache`;
}

/**
 * Where the cache goes when the bundle's folder is not writable (a package installed by root, run by a user):
 * $XDG_CACHE_HOME/phased, else ~/.cache/phased, one file per bundle path and Node.
 */
export function userCodeCachePath(bundle: string): string | undefined {
  let base = process.env.XDG_CACHE_HOME;
  if (!base) {
    try {
      base = join(homedir(), '.cache');
    } catch {
      return undefined;
    }
  }
  const key = createHash('sha256').update(bundle).digest('hex').slice(0, 16);
  return join(base, 'phased', `code-${key}.${process.versions.v8}-${process.arch}.cache`);
}

export interface CodeCache {
  payload: Buffer;
  /** Written by a process that ran SETTLE_AFTER_MS (else at the exit of a shorter one, such as `status`). */
  settled: boolean;
}

/** The cache file's V8 payload, when it was made for a bundle with hash `source` and arrived intact. */
export function readCodeCache(file: string, source: Buffer): CodeCache | undefined {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch {
    return undefined;
  }
  if (data.length <= HEADER || !data.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  if (!data.subarray(HASHES, HASHES + 32).equals(source)) return undefined;
  const payload = data.subarray(HEADER);
  if (!data.subarray(HASHES + 32, HEADER).equals(sha256(payload))) return undefined;
  return { payload, settled: data[MAGIC.length] === 1 };
}

/**
 * Write the cache file atomically (a reader sees the old file or the new one); false when the place is not
 * writable (nothing is left behind).
 */
export function writeCodeCache(file: string, source: Buffer, payload: Buffer, settled: boolean): boolean {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    const fd = openSync(tmp, 'w', 0o644);
    try {
      writeSync(fd, Buffer.concat([MAGIC, Buffer.of(settled ? 1 : 0), source, sha256(payload), payload]));
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
    return true;
  } catch {
    try {
      unlinkSync(tmp);
    } catch {}
    return false;
  }
}

/**
 * Run the CommonJS bundle `bundle` as this process's program, with the code cache unless `useCache` is false.
 * Without a usable cache, one is written at exit, or SETTLE_AFTER_MS after start when the process lives that long
 * (settled; so is one written at the exit of a process that ran that long). A cache from a short command
 * (`--help` compiles little of a run) is replaced once, by the first process that runs SETTLE_AFTER_MS: its cache
 * holds what it loaded from the old one and what it compiled since. A settled cache is left as it is. Making or
 * writing a cache never fails the command.
 */
export function launch(bundle: string, useCache = process.env.PHASED_CODE_CACHE !== '0'): void {
  const text = readFileSync(bundle);
  const hash = sha256(text);
  const beside = codeCachePath(bundle);
  let cache = useCache ? readCodeCache(beside, hash) : undefined;
  const userFile = useCache && !cache ? userCodeCachePath(bundle) : undefined;
  if (userFile) cache = readCodeCache(userFile, hash);
  const script = new Script(wrap(text.toString('utf8')), { filename: bundle, cachedData: cache?.payload });
  const usable = cache !== undefined && !script.cachedDataRejected;
  if (useCache && !(usable && cache?.settled)) {
    let written = false;
    const write = (settled: boolean) => {
      if (written) return;
      written = true;
      try {
        const payload = script.createCachedData();
        if (writeCodeCache(beside, hash, payload, settled) || !userFile) return;
        mkdirSync(dirname(userFile), { recursive: true });
        writeCodeCache(userFile, hash, payload, settled);
      } catch {}
    };
    const started = performance.now();
    const settleMs = settleAfterMs();
    setTimeout(() => write(true), settleMs).unref();
    process.once('exit', () => {
      const long = performance.now() - started >= settleMs;
      if (long || !usable) write(long);
    });
  }
  const module = { exports: {} };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run.call(module.exports, module.exports, createRequire(bundle), module, bundle, dirname(bundle));
}
