// The plan's cost, budget and notify keys: sizes and durations as users write them, resolved to numbers;
// a webhook that is not http(s) is refused by `phased check` (exit 2) naming the field.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ON_DEMAND_PRICE_PER_TIB, parseBytes, parseDuration } from '../../../machines/index.js';
import { loadPlan, planHash } from '../../../src/plan/index.js';
import { runCli } from '../../support/cli.js';
import { copyFixture, issueAt, planError, planWith } from './helpers.js';

describe('cost, budget and notify plan keys', () => {
  it('resolves sizes with binary and decimal units, durations, and the notify targets', () => {
    const plan = loadPlan(
      planWith((doc) => {
        doc.cost = { pricePerTiB: 5 };
        doc.budget = { maxBytesBilled: '10TiB' };
        doc.notify = [
          { on: ['gate_blocked', 'stalled'], webhook: 'https://hooks.example.com/x', stalledAfter: '15m' },
          { on: ['run_succeeded'], webhook: 'http://127.0.0.1:9/hook' },
        ];
      }),
    );
    expect(plan.cost).toEqual({ pricePerTiB: 5 });
    expect(plan.budget).toEqual({ maxBytesBilled: 10 * 1024 ** 4 });
    expect(plan.notify).toEqual([
      { on: ['gate_blocked', 'stalled'], webhook: 'https://hooks.example.com/x', stalledAfterMs: 900_000 },
      { on: ['run_succeeded'], webhook: 'http://127.0.0.1:9/hook' },
    ]);
    expect(parseBytes('500GiB')).toBe(500 * 1024 ** 3);
    expect(parseBytes('2TB')).toBe(2e12);
    expect(parseBytes(123456)).toBe(123456);
    expect(parseBytes('123456')).toBe(123456);
    expect(parseBytes('10 furlongs')).toBeUndefined();
    expect(parseDuration('2h')).toBe(7_200_000);
    expect(parseDuration(90)).toBe(90_000);
    expect(ON_DEMAND_PRICE_PER_TIB).toBe(6.25);
  });

  it('keeps the hash of a plan that does not use the keys', () => {
    const file = copyFixture();
    const before = planHash(loadPlan(file));
    expect(loadPlan(file).budget).toBeUndefined();
    expect(planHash(loadPlan(file))).toBe(before);
  });

  it('refuses a size without a known unit and an unknown trigger, naming the path', () => {
    const err = planError(() =>
      loadPlan(
        planWith((doc) => {
          doc.budget = { maxBytesBilled: '10 TiBs' };
          doc.notify = [{ on: ['gate_opened'], webhook: 'https://x.example' }];
        }),
      ),
    );
    expect(issueAt(err, 'budget.maxBytesBilled').message).toContain('10TiB');
    expect(issueAt(err, 'notify[0].on[0]').message).toMatch(/gate_blocked/);
  });

  it('phased check refuses a webhook that is not http(s) with exit 2 naming the field', () => {
    const file = planWith((doc) => {
      doc.notify = [{ on: ['run_failed'], webhook: 'file:///etc/passwd' }];
    });
    const r = runCli(['check', file]);
    expect(r.code).toBe(2);
    expect(r.stderr + r.stdout).toContain('notify[0].webhook');
    expect(r.stderr + r.stdout).toContain('expected an http:// or https:// URL');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const ok = planWith((doc) => {
      doc.notify = [{ on: ['run_failed'], webhook: 'https://hooks.example.com/ok' }];
    });
    expect(runCli(['check', ok]).code).toBe(0);
  });

  it('run refuses a --max-bytes-billed that is not a size, and with --detach, creating nothing (exit 2)', () => {
    const file = copyFixture();
    const db = `${file}.db`;
    const bad = runCli(['--db', db, 'run', file, '--max-bytes-billed', '10 furlongs']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--max-bytes-billed 10 furlongs is not valid');
    const detached = runCli(['--db', db, 'run', file, '--detach', '--max-bytes-billed', '1TiB']);
    expect(detached.code).toBe(2);
    expect(detached.stderr).toContain('cannot be combined with --detach');
    expect(existsSync(db)).toBe(false);
  });
});
