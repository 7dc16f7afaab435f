// Fencing across processes: a writer (a child process appending with its lease token and renewing it) is frozen
// with SIGSTOP past its lease; this process takes the run over; the writer, continued with SIGCONT, appends
// nothing more and exits 4 (LEASE_LOST from its next append: it ignores its renewals' answers, so only the
// epoch check can stop it). The log shows one writer at a time.
import { type ChildProcess, spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ev } from '../helpers.js';
import { collect, createRun, usePg } from './helpers.js';

const ctx = usePg();

const WRITER = `
const [{ openPgStore }, { exitCodeFor }] = await Promise.all([
  import(process.env.ROOT + '/dist/store/pg/index.js'),
  import(process.env.ROOT + '/dist/cli/exit-codes.js'),
]);
const s = await openPgStore(process.env.URL, { schema: process.env.SCHEMA });
const run = process.env.RUN;
const g = await s.acquireLease(run, 'writer', 400);
if (!g.ok) process.exit(5);
let seq = (await s.head(run)).seq;
try {
  for (let i = 0; ; i++) {
    const event = { type: 'UNIT_STARTED', step: 'writer', partition: 'p' + i, attempt: 1, reason: 'first' };
    const e = { event, at: new Date().toISOString(), state: 1, status: 'running' };
    seq = (await s.append(run, seq, [e], g.token)).at(-1).seq;
    process.stdout.write('appended ' + seq + '\\n');
    // Renewed, but its answer ignored: only the append's epoch check may stop this writer.
    await s.renewLease(run, g.token, 400);
    await new Promise((r) => setTimeout(r, 5));
  }
} catch (err) {
  process.stderr.write(err.code + ': ' + err.message + '\\n');
  process.exit(exitCodeFor(err.code));
}`;

function startWriter(
  schema: string,
  run: string,
): { child: ChildProcess; appended: () => number; stderr: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, ['--input-type=module', '-e', WRITER], {
    env: { ...process.env, ROOT: process.cwd(), URL: ctx.pg.url, SCHEMA: schema, RUN: run },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let last = 0;
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  child.stdout?.on('data', (d: Buffer) => {
    for (const m of d.toString().matchAll(/appended (\d+)/g)) last = Number(m[1]);
  });
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, appended: () => last, stderr: () => stderr, exit };
}

async function until(ok: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await ok())) await new Promise((r) => setTimeout(r, 10));
}

describe('fencing a frozen writer', () => {
  it('SIGSTOP past the lease, takeover, SIGCONT: the old writer appends nothing and exits 4', async () => {
    const store = await ctx.open();
    const run = await createRun(store);
    await store.append(run, 0, [ev('RUN_CREATED')]);
    const w = startWriter(store.schema, run);
    try {
      await until(() => w.appended() >= 5 || w.child.exitCode !== null);
      expect(w.child.exitCode, `the writer exited early: ${w.stderr()}`).toBeNull();
      w.child.kill('SIGSTOP');
      // Take the run over as soon as the frozen writer's lease has expired.
      let token: { owner: string; epoch: number } | undefined;
      await until(async () => {
        const g = await store.acquireLease(run, 'taker', 600_000);
        if (g.ok) token = g.token;
        return g.ok;
      });
      if (!token) throw new Error('no takeover');
      const frozenAt = (await store.head(run)).seq;
      const [attached] = await store.append(
        run,
        frozenAt,
        [ev('DRIVER_ATTACHED', { pid: process.pid })],
        token,
      );
      w.child.kill('SIGCONT');
      expect(await w.exit).toBe(4);
      expect(w.stderr()).toMatch(/^LEASE_LOST: run .* was taken over/);
      const log = await collect(store.events(run));
      // Nothing of the writer's after the takeover; its events form one block before it.
      expect(log.at(-1)?.seq).toBe(attached.seq);
      const owners = log.slice(1).map((e) => (e.type === 'UNIT_STARTED' ? 'writer' : 'taker'));
      expect(owners.indexOf('taker')).toBe(owners.length - 1);
      expect(await store.verifyChain(run)).toEqual({ ok: true, count: log.length });
      expect((await store.requireRun(run)).owner).toBe('taker');
    } finally {
      if (w.child.exitCode === null) {
        w.child.kill('SIGCONT');
        w.child.kill('SIGKILL');
      }
    }
  });
});
