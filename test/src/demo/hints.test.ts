// The demo's "next:" lines are commands that work as printed: run from the project folder through a real shell,
// with no `phased` on the PATH (as after `npm ci`), each one succeeds and reads the demo's run.
import { spawnSync } from 'node:child_process';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDemo } from '../../../src/demo/index.js';
import { Driver } from '../../../src/engine/index.js';
import { openEventStore } from '../../../store/index.js';
import { PROJECT_ROOT } from '../../support/synthetic.js';
import { tempDir } from './helpers.js';

const bare = (process.env.PATH ?? '')
  .split(delimiter)
  .filter((d) => spawnSync('test', ['-e', join(d, 'phased')]).status !== 0)
  .join(delimiter);

async function drive(runId: string, db: string): Promise<number> {
  const store = await openEventStore(db);
  try {
    return (await new Driver({ store, runId, logDir: join(db, '..', 'logs') }).run()).exitCode;
  } finally {
    await store.close();
  }
}

function sh(line: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: bare };
  delete env.PHASED_DB;
  const r = spawnSync('sh', ['-c', line], { cwd: PROJECT_ROOT, env, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("the demo's next: hints", () => {
  it('run as printed from the project folder', { timeout: 300_000 }, async () => {
    const dir = join(tempDir(), 'demo');
    const lines: string[] = [];
    const range = { start: '2023-10-24', end: '2023-10-30' };
    await runDemo({ dir, range, runId: 'hint1' }, { print: (l) => lines.push(l), drive });
    const next = lines.slice(lines.indexOf('next:') + 1).map((l) => l.trim());
    expect(next).toHaveLength(3);
    for (const line of next) expect(line).toMatch(/^npx phased /);

    const status = sh(next.find((l) => l.includes(' status ')) ?? '');
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain('hint1');
    const replay = sh(next.find((l) => l.includes(' replay ')) ?? '');
    expect(replay.code, replay.stderr).toBe(0);
    expect(replay.stdout).toMatch(/\s1\s+RUN_CREATED/);
    // validate judges the copied plan's whole range against this short warehouse: a verdict either way.
    const validate = sh(next.find((l) => l.includes(' validate ')) ?? '');
    expect([0, 1], validate.stderr).toContain(validate.code);
    expect(validate.stdout).toContain('phase3');
  });
});
