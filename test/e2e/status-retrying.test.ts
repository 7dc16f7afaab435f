// A unit waiting out its backoff (a quota wait, say) is visible in `status`: its error and when it retries.
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { exited, readEvents, runCli, runExists, sleepMs, startCli, tempDir } from '../support/cli.js';
import { makeSyntheticProject } from '../support/synthetic.js';

it('status lists units waiting to retry with their error and retry time', async () => {
  const dir = tempDir('phased-retrying-');
  const p = makeSyntheticProject(dir, { dates: 4, flaky: ['2024-01-02'] });
  const db = join(dir, 'phased.db');
  const env = { PHASED_BACKOFF_BASE_MS: '600000', PHASED_BACKOFF_MAX_MS: '600000' };
  const child = startCli(['--db', db, 'run', p.plan, '--run-id', 'w1'], { env });
  const done = exited(child);
  const failed = () => readEvents(db, 'w1').find((e) => e.type === 'UNIT_FAILED');
  while (!runExists(db, 'w1') || !failed()) await sleepMs(20);
  const status = runCli(['--db', db, 'status', 'w1', '--json']);
  const text = runCli(['--db', db, 'status', 'w1']);
  child.kill('SIGKILL');
  await done;
  const event = failed()!;
  const view = JSON.parse(status.stdout);
  expect(view.retrying).toEqual([
    expect.objectContaining({
      step: 'c',
      partition: '2024-01-02',
      attempt: 1,
      error: expect.objectContaining({ code: 'COMMAND_FAILED' }),
    }),
  ]);
  const wait = Date.parse(view.retrying[0].retryAt) - Date.parse(view.createdAt);
  expect(wait).toBeGreaterThanOrEqual(300_000);
  expect(event.data.retryInMs).toBeGreaterThanOrEqual(300_000);
  expect(text.stdout).toMatch(/waiting: c 2024-01-02 attempt 1 failed \(COMMAND_FAILED/);
});
