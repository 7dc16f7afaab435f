// Notifications through a real local webhook receiver: Slack-compatible bodies naming the run and the command
// to act on it, retried with backoff and recorded; and across a kill -9 between deciding to notify (logged)
// and sending, each notification arrives exactly once.
import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeBqProject } from '../support/bq-e2e.js';
import { type BqServer, startBqServer } from '../support/bq-server.js';
import { readEvents, runCliAsync, tempDir } from '../support/cli.js';
import { type Receiver, startReceiver } from '../support/webhook-receiver.js';

describe('notifications', () => {
  let server: BqServer;
  let hook: Receiver;
  beforeEach(async () => {
    server = await startBqServer();
    hook = await startReceiver();
  });
  afterEach(async () => {
    await server.close();
    await hook.close();
  });

  function project(on: string[]) {
    const p = makeBqProject(tempDir('phased-notify-'), server, { dates: 3, concurrency: 1 });
    server.dryRunBytes = undefined;
    writeFileSync(
      p.plan,
      `${readFileSync(p.plan, 'utf8')}notify:\n  - { on: [${on.join(', ')}], webhook: "${hook.url}" }\n`,
    );
    return p;
  }

  it('delivers each notification exactly once across a kill -9 between deciding and sending', async () => {
    const p = project(['budget_paused', 'run_succeeded', 'gate_blocked']);
    // 15 MiB admits one unit (each is billed BigQuery's 10 MB minimum): the run pauses on its budget.
    const first = await runCliAsync(
      ['--db', p.db, 'run', p.plan, '--run-id', 'n1', '--max-bytes-billed', '15MiB'],
      { env: { ...p.env, PHASED_CRASH_AT: 'after-notify-decided' } },
    );
    expect(first.signal).toBe('SIGKILL');
    expect(hook.received).toHaveLength(0);
    const logged = readEvents(p.db, 'n1');
    const decided = logged.filter((e) => e.type === 'NOTIFY_DECIDED');
    expect(decided.map((e) => e.data.trigger)).toEqual(['budget_paused']);
    // The decision is durable in the same transaction as its cause.
    const paused = logged.find((e) => e.type === 'PAUSED')!;
    expect(decided[0].seq).toBe(paused.seq + 1);
    expect(logged.some((e) => e.type === 'NOTIFY_SENT')).toBe(false);

    const again = await runCliAsync(['--db', p.db, 'resume', 'n1', '--max-bytes-billed', '1GiB'], {
      env: p.env,
    });
    expect(again.code).toBe(0);
    const triggers = hook.received.map(
      (r) => r.body.text.match(/: (paused by its budget|the run succeeded)/)?.[1],
    );
    expect(triggers).toEqual(['paused by its budget', 'the run succeeded']);
    const keys = hook.received.map((r) => r.headers['idempotency-key']);
    expect(new Set(keys).size).toBe(2);
    const budget = hook.received[0].body;
    expect(budget.text).toContain('phased run n1 (bq-e2e)');
    expect(budget.text).toMatch(/resume n1 --max-bytes-billed \d+/);
    expect(budget.blocks?.length).toBeGreaterThan(0);
    const all = readEvents(p.db, 'n1');
    const sent = all.filter((e) => e.type === 'NOTIFY_SENT');
    expect(sent.map((e) => [e.data.trigger, e.data.attempt, e.data.status])).toEqual([
      ['budget_paused', 1, 200],
      ['run_succeeded', 1, 200],
    ]);
    // No decision without exactly one result.
    for (const d of all.filter((e) => e.type === 'NOTIFY_DECIDED')) {
      expect(sent.filter((s) => s.data.id === d.data.id)).toHaveLength(1);
    }
  });

  it('retries a failing webhook with backoff, records each failure, and names the blocked gate', async () => {
    const p = project(['gate_blocked']);
    // A gate check that never holds: the gate blocks.
    hook.failNext(2, 503);
    writeFileSync(
      p.plan,
      readFileSync(p.plan, 'utf8').replace(
        'gate: { minCoverage: 1 }',
        'gate: { minCoverage: 1, checks: [{ name: never, sql: "SELECT FALSE AS ok" }] }',
      ),
    );
    const r = await runCliAsync(['--db', p.db, 'run', p.plan, '--run-id', 'n2'], {
      env: { ...p.env, PHASED_NOTIFY_BACKOFF_MS: '20' },
    });
    expect(r.code).toBe(1);
    expect(hook.received).toHaveLength(3);
    const body = hook.received[2].body;
    expect(body.text).toContain('gate p3 blocked the run');
    expect(body.text).toContain('approve n2 --gate p3 --reason TEXT');
    const events = readEvents(p.db, 'n2');
    expect(
      events
        .filter((e) => e.type === 'NOTIFY_FAILED' || e.type === 'NOTIFY_SENT')
        .map((e) => [e.type, e.data.attempt, e.data.final ?? null]),
    ).toEqual([
      ['NOTIFY_FAILED', 1, false],
      ['NOTIFY_FAILED', 2, false],
      ['NOTIFY_SENT', 3, null],
    ]);
    expect(new Set(hook.received.map((x) => x.headers['idempotency-key'])).size).toBe(1);
  });
});
