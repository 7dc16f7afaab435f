// The bundled CLI runs from V8's code cache (cli/code-cache.ts): a cache serves only the exact bundle text it was
// made from, and a missing, stale, corrupted or refused cache file only makes a start slower: the command behaves
// the same and the cache is written anew. The end-to-end cases run a copy of dist/bin, so the suite's own CLI and
// its cache are left alone.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeCachePath, readCodeCache, userCodeCachePath, writeCodeCache } from '../../cli/code-cache.js';
import { PROJECT_ROOT } from '../support/synthetic.js';

const sha = (text: string | Buffer) => createHash('sha256').update(text).digest();

describe('cache files', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(PROJECT_ROOT, 'dist', 'code-cache-unit-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads back what was written for the same bundle text, and nothing for another text', () => {
    const file = join(dir, 'a.cache');
    const payload = Buffer.from('v8 code cache bytes');
    writeCodeCache(file, sha('bundle one'), payload, false);
    expect(readCodeCache(file, sha('bundle one'))).toEqual({ payload, settled: false });
    writeCodeCache(file, sha('bundle one'), payload, true);
    expect(readCodeCache(file, sha('bundle one'))).toEqual({ payload, settled: true });
    expect(readCodeCache(file, sha('bundle two'))).toBeUndefined();
    expect(readCodeCache(join(dir, 'missing.cache'), sha('bundle one'))).toBeUndefined();
  });

  it('ignores a truncated file, a flipped payload byte and a file of something else', () => {
    const file = join(dir, 'b.cache');
    const payload = Buffer.alloc(4096, 7);
    writeCodeCache(file, sha('bundle'), payload, true);
    const whole = readFileSync(file);
    writeFileSync(file, whole.subarray(0, whole.length - 1));
    expect(readCodeCache(file, sha('bundle'))).toBeUndefined();
    const flipped = Buffer.from(whole);
    flipped[flipped.length - 100] ^= 0xff;
    writeFileSync(file, flipped);
    expect(readCodeCache(file, sha('bundle'))).toBeUndefined();
    writeFileSync(file, 'not a cache at all');
    expect(readCodeCache(file, sha('bundle'))).toBeUndefined();
  });
});

describe('the bundled CLI with its cache', () => {
  let bin: string;
  // A short command, whatever the machine's load: it never runs as long as the settling time.
  const help = (env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [join(bin, 'phased.js'), '--help'], {
      encoding: 'utf8',
      env: { ...process.env, PHASED_CODE_CACHE_SETTLE_MS: '3600000', ...env },
    });
  const cacheFile = () => codeCachePath(join(bin, 'phased.cjs'));
  const bundleHash = () => sha(readFileSync(join(bin, 'phased.cjs')));

  beforeAll(() => {
    // Inside the project, so the bundle's packages (better-sqlite3 …) resolve as they do from dist/bin.
    bin = mkdtempSync(join(PROJECT_ROOT, 'dist', 'code-cache-e2e-'));
    for (const f of readdirSync(join(PROJECT_ROOT, 'dist', 'bin'))) {
      if (!f.endsWith('.cache')) cpSync(join(PROJECT_ROOT, 'dist', 'bin', f), join(bin, f));
    }
  });
  afterAll(() => rmSync(bin, { recursive: true, force: true }));

  it('writes the cache at the first exit, for this bundle, and runs from it after', () => {
    expect(existsSync(cacheFile())).toBe(false);
    const first = help();
    expect(first.status).toBe(0);
    expect(first.stdout).toContain('multi-phase data backfills');
    // A short command's cache: not settled.
    expect(readCodeCache(cacheFile(), bundleHash())?.settled).toBe(false);
    const written = readFileSync(cacheFile());
    const second = help();
    expect(second.status).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    // Served, not written again by another short command.
    expect(readFileSync(cacheFile()).equals(written)).toBe(true);
  });

  it('a process that keeps running settles the cache once, and a settled cache is left alone', async () => {
    help();
    expect(readCodeCache(cacheFile(), bundleHash())?.settled).toBe(false);
    const db = join(bin, 'daemon.db');
    const daemon = spawn(process.execPath, [join(bin, 'phased.js'), '--db', db, 'daemon'], {
      stdio: 'ignore',
      env: { ...process.env, PHASED_CODE_CACHE_SETTLE_MS: '100' },
    });
    try {
      await expect
        .poll(() => readCodeCache(cacheFile(), bundleHash())?.settled, { timeout: 30_000, interval: 50 })
        .toBe(true);
    } finally {
      daemon.kill('SIGKILL');
    }
    const settled = readFileSync(cacheFile());
    const r = help();
    expect(r.status).toBe(0);
    expect(readFileSync(cacheFile()).equals(settled)).toBe(true);
  });

  it('an edited bundle of the same length is not served the old code (V8 itself only compares lengths)', () => {
    help();
    const before = readFileSync(cacheFile());
    const file = join(bin, 'phased.cjs');
    const text = readFileSync(file, 'utf8');
    const edited = text.replace('multi-phase data backfills as', 'MULTI-PHASE DATA BACKFILLS AS');
    expect(edited.length).toBe(text.length);
    expect(edited).not.toBe(text);
    writeFileSync(file, edited);
    try {
      const r = help();
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('MULTI-PHASE DATA BACKFILLS AS');
      // Written anew for the edited text.
      expect(readFileSync(cacheFile()).equals(before)).toBe(false);
      expect(readCodeCache(cacheFile(), bundleHash())).toBeDefined();
    } finally {
      writeFileSync(file, text);
    }
  });

  it('a corrupted cache file is ignored and replaced', () => {
    help();
    const good = readFileSync(cacheFile());
    const bad = Buffer.from(good);
    for (let i = bad.length - 2000; i < bad.length; i += 7) bad[i] ^= 0x5a;
    writeFileSync(cacheFile(), bad);
    const r = help();
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('multi-phase data backfills');
    expect(readCodeCache(cacheFile(), bundleHash())).toBeDefined();
  });

  it('a cache V8 refuses (right bundle, payload not V8 code) is ignored and replaced', () => {
    writeCodeCache(cacheFile(), bundleHash(), Buffer.alloc(64 * 1024, 0x42), true);
    const r = help();
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('multi-phase data backfills');
    const cache = readCodeCache(cacheFile(), bundleHash());
    expect(cache?.payload.equals(Buffer.alloc(64 * 1024, 0x42))).toBe(false);
  });

  it("goes to the user's cache folder when it cannot be written beside the bundle, and is served from there", () => {
    for (const f of readdirSync(bin)) if (f.endsWith('.cache')) rmSync(join(bin, f), { recursive: true });
    // What stands in for a folder the user cannot write (the tests run as root, whom permissions do not stop): a
    // directory where the cache file would go.
    mkdirSync(cacheFile());
    const home = mkdtempSync(join(bin, 'xdg-'));
    const env = { XDG_CACHE_HOME: home };
    const saved = process.env.XDG_CACHE_HOME;
    process.env.XDG_CACHE_HOME = home;
    const file = userCodeCachePath(join(bin, 'phased.cjs')) as string;
    if (saved === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = saved;
    const userFile = () => file;
    try {
      expect(file.startsWith(join(home, 'phased'))).toBe(true);
      const first = help(env);
      expect(first.status).toBe(0);
      expect(readCodeCache(userFile(), bundleHash())?.settled).toBe(false);
      const written = readFileSync(userFile());
      const second = help(env);
      expect(second.status).toBe(0);
      expect(second.stdout).toBe(first.stdout);
      // Served from there: another short command does not write it again.
      expect(readFileSync(userFile()).equals(written)).toBe(true);
    } finally {
      rmSync(cacheFile(), { recursive: true, force: true });
    }
  });

  it('PHASED_CODE_CACHE=0 neither reads nor writes it', () => {
    for (const f of readdirSync(bin)) if (f.endsWith('.cache')) rmSync(join(bin, f));
    const r = help({ PHASED_CODE_CACHE: '0' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('multi-phase data backfills');
    expect(existsSync(cacheFile())).toBe(false);
  });

  it('is started as CommonJS, so Node does not start its ES module loader for it', () => {
    expect(JSON.parse(readFileSync(join(bin, 'package.json'), 'utf8'))).toEqual({ type: 'commonjs' });
    // A preloaded hook sees the launcher loaded by the CommonJS loader, as the main module.
    const hook = join(bin, 'main-hook.cjs');
    writeFileSync(
      hook,
      "process.on('exit', () => process.stderr.write('main=' + (process.mainModule ? process.mainModule.filename : 'none') + '\\n'));",
    );
    const r = spawnSync(process.execPath, ['--require', hook, join(bin, 'phased.js'), '--help'], {
      encoding: 'utf8',
      env: { ...process.env, PHASED_CODE_CACHE_SETTLE_MS: '3600000' },
    });
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(`main=${join(bin, 'phased.js')}`);
  });
});
