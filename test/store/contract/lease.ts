// Contract: the run lease is exclusive, expires, can be renewed, released, or stolen when the caller says so; each
// acquisition hands out a token whose epoch moves on, and renew/release act only for the token that holds it.
import { describe, expect, it } from 'vitest';
import type { LeaseGrant, LeaseToken } from '../../../store/index.js';
import type { StoreCtx } from '../contract.js';
import { newRun } from '../helpers.js';

const MINUTE = 60_000;

function tokenOf(g: LeaseGrant): LeaseToken {
  if (!g.ok) throw new Error(`expected the lease, ${g.owner} holds it`);
  return g.token;
}

export function leaseSuite({ make, reopen }: StoreCtx): void {
  describe('leases', () => {
    it('is exclusive: a second owner gets the holder and expiry', async () => {
      const a = await make();
      const run = await newRun(a);
      const b = await reopen(a);
      expect(await a.acquireLease(run, 'host:1', MINUTE)).toMatchObject({ ok: true });
      const denied = await b.acquireLease(run, 'host:2', MINUTE);
      expect(denied).toMatchObject({ ok: false, owner: 'host:1' });
      expect(denied.ok === false && Date.parse(denied.expiresAt)).toBeGreaterThan(Date.now());
      expect(await a.acquireLease(run, 'host:1', MINUTE)).toMatchObject({ ok: true });
      expect((await b.requireRun(run)).owner).toBe('host:1');
    });

    it('is free again once expired, and the taker learns whom it took it from', async () => {
      const store = await make();
      const run = await newRun(store);
      const old = tokenOf(await store.acquireLease(run, 'old', 0));
      const taken = await store.acquireLease(run, 'new', MINUTE);
      expect(taken).toMatchObject({ ok: true, from: 'old' });
      expect(tokenOf(taken).epoch).toBeGreaterThan(old.epoch);
      expect((await store.requireRun(run)).owner).toBe('new');
    });

    it('can be stolen when canSteal says the holder is gone', async () => {
      const store = await make();
      const run = await newRun(store);
      await store.acquireLease(run, 'host:999', MINUTE);
      const asked: string[] = [];
      const refuse = await store.acquireLease(run, 'host:2', MINUTE, {
        canSteal: (owner) => {
          asked.push(owner);
          return false;
        },
      });
      expect(refuse.ok).toBe(false);
      expect(
        await store.acquireLease(run, 'host:2', MINUTE, { canSteal: (owner) => owner === 'host:999' }),
      ).toMatchObject({ ok: true, from: 'host:999' });
      expect(asked).toEqual(['host:999']);
      expect((await store.requireRun(run)).owner).toBe('host:2');
    });

    it('renews only for its holder and releases only by its holder', async () => {
      const store = await make();
      const run = await newRun(store);
      const me = tokenOf(await store.acquireLease(run, 'me', 1000));
      const before = (await store.requireRun(run)).leaseExpiresAt ?? '';
      expect(await store.renewLease(run, me, 10 * MINUTE)).toBe(true);
      expect(Date.parse((await store.requireRun(run)).leaseExpiresAt ?? '')).toBeGreaterThan(
        Date.parse(before),
      );
      const someoneElse = { owner: 'someone-else', epoch: me.epoch };
      const staleMe = { owner: 'me', epoch: me.epoch - 1 };
      expect(await store.renewLease(run, someoneElse, MINUTE)).toBe(false);
      expect(await store.renewLease(run, staleMe, MINUTE)).toBe(false);
      await store.releaseLease(run, someoneElse);
      await store.releaseLease(run, staleMe);
      expect((await store.requireRun(run)).owner).toBe('me');
      await store.releaseLease(run, me);
      expect(await store.requireRun(run)).toMatchObject({ owner: null, leaseExpiresAt: null });
      expect(await store.acquireLease(run, 'next', MINUTE)).toMatchObject({ ok: true });
    });

    it('refuses a lease on an unknown run', async () => {
      const store = await make();
      await expect(store.acquireLease('ghost', 'me', MINUTE)).rejects.toThrow(
        expect.objectContaining({ code: 'RUN_NOT_FOUND' }),
      );
    });
  });
}
