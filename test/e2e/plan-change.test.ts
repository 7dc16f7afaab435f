// Plan changes: resuming after the plan file changed exits 2 with a summary of what changed, unless
// --accept-plan-change, which is logged.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { readEvents, runCli, tempDir } from '../support/cli.js';
import { makeSyntheticProject } from '../support/synthetic.js';

it('refuses a changed plan, then accepts it on request and logs the change', () => {
  const dir = tempDir('phased-planchange-');
  const p = makeSyntheticProject(dir, { dates: 10 });
  const db = join(dir, 'phased.db');
  const crashed = runCli(['--db', db, 'run', p.plan, '--run-id', 'pc'], {
    env: { PHASED_CRASH_AT: 'after-unit-started:5' },
  });
  expect(crashed.signal).toBe('SIGKILL');
  const n = readEvents(db, 'pc').length;

  writeFileSync(p.plan, readFileSync(p.plan, 'utf8').replace('v * 2 AS v', 'v * 4 AS v'));
  const refused = runCli(['--db', db, 'resume', 'pc']);
  expect(refused.code).toBe(2);
  expect(refused.stderr).toMatch(/step b: sql changed/);
  expect(refused.stderr).toMatch(/--accept-plan-change/);
  expect(readEvents(db, 'pc')).toHaveLength(n);

  const accepted = runCli(['--db', db, 'resume', 'pc', '--accept-plan-change']);
  expect(accepted.code, accepted.stderr).toBe(0);
  const events = readEvents(db, 'pc');
  const change = events.find((e) => e.type === 'PLAN_CHANGE_ACCEPTED');
  expect(change?.data.changes).toContain('step b: sql changed');
  expect(events[events.length - 1].state).toBe('succeeded');
});
