// Before the suite: builds the package once (its own `build` script: esbuild's transpile, then the bundles), since
// end-to-end tests spawn the compiled CLI as a user would, so a failed build fails the suite rather than leaving
// the tests to run a stale dist/. Meanwhile it starts the suite's shared PostgreSQL server (test/support/pg.ts;
// skipped when PHASED_TEST_PG_URL names one) and points PHASED_DEMO_CACHE at a fresh directory, so each demo
// warehouse is generated once per suite run (src/demo/cache.ts). Both are torn down after the suite. Every temp
// folder the suite makes (the tests', the CLI's, the servers') is made under one folder of its own, set as TMPDIR
// for the workers and the processes they start, and removed after the suite: runs of the suite do not pile up
// gigabytes of logs and warehouses in the system's temp folder.
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type PgServer, startPgServer } from '../bench/scenarios/pg-server.js';

/** Run `npm run -s build` in `cwd`; rejects with the build's output when it exits non-zero. */
export function buildPackage(cwd = process.cwd()): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '-s', 'build'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', (err) =>
      reject(new Error(`the build could not start (npm run -s build in ${cwd}): ${err.message}`)),
    );
    child.on('close', (code, signal) => {
      if (code === 0) return resolve();
      const how = code === null ? `was killed by ${signal}` : `exited ${code}`;
      reject(
        new Error(
          `the build failed (npm run -s build ${how}); the tests would run a stale dist/:\n${output.trim().slice(0, 8000)}`,
        ),
      );
    });
  });
}

export default async function setup(): Promise<() => Promise<void>> {
  const scratch = mkdtempSync(join(tmpdir(), 'phased-suite-'));
  // Enterable by the embedded PostgreSQL server, which runs as the postgres user when the suite runs as root.
  chmodSync(scratch, 0o755);
  process.env.TMPDIR = scratch;
  const demoCache = process.env.PHASED_DEMO_CACHE
    ? undefined
    : mkdtempSync(join(tmpdir(), 'phased-demo-cache-'));
  if (demoCache) process.env.PHASED_DEMO_CACHE = demoCache;
  const pg: Promise<PgServer | undefined> = process.env.PHASED_TEST_PG_URL
    ? Promise.resolve(undefined)
    : startPgServer({ fsync: false });
  const built = buildPackage();
  // Wait for both before judging either, so a failed build does not leave a server running.
  const [server, build] = await Promise.allSettled([pg, built]);
  const teardown = async () => {
    if (server.status === 'fulfilled') await server.value?.stop();
    if (demoCache) rmSync(demoCache, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  };
  if (build.status === 'rejected' || server.status === 'rejected') {
    await teardown();
    throw build.status === 'rejected' ? build.reason : (server as PromiseRejectedResult).reason;
  }
  if (server.value) process.env.PHASED_TEST_PG_URL = server.value.url;
  return teardown;
}
