// PHASED_CRASH_AT is validated: a typo in the switch is an error at start-up, not a silently disarmed test.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CRASH_POINTS } from '../../../src/engine/index.js';
import { PROJECT_ROOT } from '../../support/synthetic.js';

const module = join(PROJECT_ROOT, 'dist/src/engine/failpoints.js');

function load(spec: string) {
  return spawnSync(
    process.execPath,
    ['-e', `import(${JSON.stringify(module)}).then((m) => m.failpoint('after-unit-started'))`],
    {
      env: { ...process.env, PHASED_CRASH_AT: spec },
      encoding: 'utf8',
    },
  );
}

describe('crash switch', () => {
  it('names the nine documented points', () => {
    expect([...CRASH_POINTS]).toEqual([
      'after-unit-started',
      'after-warehouse-commit',
      'after-gate-evaluated',
      'after-append-before-send',
      'during-snapshot',
      'in-retry-wait',
      'before-reconcile',
      'after-notify-decided',
      'after-pipelined-send',
    ]);
  });

  it('kills the process with SIGKILL at the armed passage', () => {
    expect(load('after-unit-started').signal).toBe('SIGKILL');
    expect(load('after-unit-started:2').signal).toBeNull();
  });

  it('refuses an unknown point or count', () => {
    for (const bad of ['after-unit-startd', 'during-snapshot:0']) {
      const r = load(bad);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/PHASED_CRASH_AT=.* is not valid/);
    }
  });
});
