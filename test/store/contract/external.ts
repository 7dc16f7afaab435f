// Contract: another connection's appends reach the next append's build() as external events, in order.
import { describe, expect, it } from 'vitest';
import type { StoreCtx } from '../contract.js';
import { appendAll, createRun, ev } from '../helpers.js';

export function externalSuite({ make, reopen }: StoreCtx): void {
  describe('external events', () => {
    it('hands events appended by another connection to build, then appends after them', () => {
      const driver = make();
      const run = createRun(driver);
      const [created] = appendAll(driver, run, [ev('RUN_CREATED')]);
      const cli = reopen(driver);
      const versionBefore = driver.dataVersion();
      appendAll(cli, run, [ev('PAUSE_REQUESTED', { by: 'cli', reason: 'lunch' })]);
      expect(driver.dataVersion()).not.toBe(versionBefore);

      let seen: string[] = [];
      const out = driver.append(run, created.seq, (external) => {
        seen = external.map((e) => `${e.seq}:${e.type}:${e.data}`);
        return [ev('PAUSED', { by: 'driver' }, { status: 'paused' })];
      });
      expect(seen).toEqual(['2:PAUSE_REQUESTED:{"by":"cli","reason":"lunch"}']);
      expect(out.map((e) => [e.seq, e.type])).toEqual([
        [2, 'PAUSE_REQUESTED'],
        [3, 'PAUSED'],
      ]);
      expect(out[1].prevHash).toBe(out[0].hash);
      expect(cli.requireRun(run)).toMatchObject({ status: 'paused', headSeq: 3 });
      expect(driver.verifyChain(run)).toEqual({ ok: true, count: 3 });
    });

    it('returns the external events even when build adds nothing', () => {
      const a = make();
      const run = createRun(a);
      const b = reopen(a);
      appendAll(b, run, [ev('RUN_CREATED'), ev('CANCEL_REQUESTED', { by: 'b' })]);
      const out = a.append(run, 0, () => []);
      expect(out.map((e) => e.type)).toEqual(['RUN_CREATED', 'CANCEL_REQUESTED']);
      expect(a.head(run).seq).toBe(2);
    });
  });
}
