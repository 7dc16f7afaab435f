// Contract: appends carry the seq their writer last saw. Another connection's append makes a stale one fail with
// CONFLICT (nothing written); the writer reads the new events, decides again and appends after them. A lease
// token that no longer holds the run makes an append fail with LEASE_LOST.
import { describe, expect, it } from 'vitest';
import type { StoreCtx } from '../contract.js';
import { allEvents, appendAt, ev, newRun } from '../helpers.js';

const MINUTE = 60_000;

export function conflictSuite({ make, reopen }: StoreCtx): void {
  describe('expected seq and lease token', () => {
    it('fails a stale append with CONFLICT; after reading the new events the writer appends after them', async () => {
      const driver = await make();
      const run = await newRun(driver);
      const [created] = await appendAt(driver, run, [ev('RUN_CREATED')]);
      const cli = await reopen(driver);
      const markBefore = await driver.changeMark();
      await appendAt(cli, run, [ev('PAUSE_REQUESTED', { by: 'cli', reason: 'lunch' })]);
      // The mark moves once the other connection's write is visible (a notification may take a moment to arrive).
      const until = Date.now() + 5000;
      let mark = await driver.changeMark();
      while (mark === markBefore && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 20));
        mark = await driver.changeMark();
      }
      expect(mark).not.toBe(markBefore);

      await expect(
        driver.append(run, created.seq, [ev('PAUSED', { by: 'driver' }, { status: 'paused' })]),
      ).rejects.toThrow(expect.objectContaining({ code: 'CONFLICT' }));
      // Nothing of the refused append was written.
      expect((await driver.head(run)).seq).toBe(2);

      const seen = (await allEvents(driver, run, { fromSeq: created.seq + 1 })).map(
        (e) => `${e.seq}:${e.type}:${e.data}`,
      );
      expect(seen).toEqual(['2:PAUSE_REQUESTED:{"by":"cli","reason":"lunch"}']);
      const out = await driver.append(run, 2, [ev('PAUSED', { by: 'driver' }, { status: 'paused' })]);
      expect(out.map((e) => [e.seq, e.type])).toEqual([[3, 'PAUSED']]);
      const all = await allEvents(driver, run);
      expect(all[2].prevHash).toBe(all[1].hash);
      expect(await cli.requireRun(run)).toMatchObject({ status: 'paused', headSeq: 3 });
      expect(await driver.verifyChain(run)).toEqual({ ok: true, count: 3 });
    });

    it('fails an append expecting less than the head, whoever wrote the head', async () => {
      const a = await make();
      const run = await newRun(a);
      const b = await reopen(a);
      await appendAt(b, run, [ev('RUN_CREATED'), ev('CANCEL_REQUESTED', { by: 'b' })]);
      await expect(a.append(run, 0, [ev('RUN_CREATED')])).rejects.toThrow(
        expect.objectContaining({ code: 'CONFLICT', details: expect.objectContaining({ headSeq: 2 }) }),
      );
      expect((await a.head(run)).seq).toBe(2);
    });

    it('appends under a lease token until the lease moves on, then fails with LEASE_LOST', async () => {
      const a = await make();
      const run = await newRun(a);
      const b = await reopen(a);
      const first = await a.acquireLease(run, 'host:1', 0);
      expect(first.ok).toBe(true);
      if (!first.ok) return;
      await a.append(run, 0, [ev('RUN_CREATED')], first.token);
      // The lease expired and another owner took it: its epoch moved on.
      const second = await b.acquireLease(run, 'host:2', MINUTE);
      expect(second).toMatchObject({ ok: true, from: 'host:1' });
      if (!second.ok) return;
      expect(second.token.epoch).toBeGreaterThan(first.token.epoch);
      await expect(a.append(run, 1, [ev('PAUSED')], first.token)).rejects.toThrow(
        expect.objectContaining({ code: 'LEASE_LOST' }),
      );
      expect((await a.head(run)).seq).toBe(1);
      expect(await a.renewLease(run, first.token, MINUTE)).toBe(false);
      await b.append(run, 1, [ev('DRIVER_ATTACHED')], second.token);
      // Without a token (a control command from another process) the append is judged by its seq alone.
      await a.append(run, 2, [ev('PAUSE_REQUESTED', { by: 'cli' })]);
      expect((await a.head(run)).seq).toBe(3);
    });
  });
}
