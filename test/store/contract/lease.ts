// Contract: the run lease is exclusive, expires, can be renewed, released, or stolen when the caller says so.
import { describe, expect, it } from 'vitest';
import type { StoreCtx } from '../contract.js';
import { createRun } from '../helpers.js';

const MINUTE = 60_000;

export function leaseSuite({ make, reopen }: StoreCtx): void {
  describe('leases', () => {
    it('is exclusive: a second owner gets the holder and expiry', () => {
      const a = make();
      const run = createRun(a);
      const b = reopen(a);
      expect(a.acquireLease(run, 'host:1', MINUTE)).toEqual({ ok: true });
      const denied = b.acquireLease(run, 'host:2', MINUTE);
      expect(denied).toMatchObject({ ok: false, owner: 'host:1' });
      expect(denied.ok === false && Date.parse(denied.expiresAt)).toBeGreaterThan(Date.now());
      expect(a.acquireLease(run, 'host:1', MINUTE)).toEqual({ ok: true });
      expect(b.requireRun(run).owner).toBe('host:1');
    });

    it('is free again once expired', () => {
      const store = make();
      const run = createRun(store);
      expect(store.acquireLease(run, 'old', 0)).toEqual({ ok: true });
      expect(store.acquireLease(run, 'new', MINUTE)).toEqual({ ok: true });
      expect(store.requireRun(run).owner).toBe('new');
    });

    it('can be stolen when canSteal says the holder is gone', () => {
      const store = make();
      const run = createRun(store);
      store.acquireLease(run, 'host:999', MINUTE);
      const asked: string[] = [];
      const refuse = store.acquireLease(run, 'host:2', MINUTE, {
        canSteal: (owner) => {
          asked.push(owner);
          return false;
        },
      });
      expect(refuse.ok).toBe(false);
      expect(
        store.acquireLease(run, 'host:2', MINUTE, { canSteal: (owner) => owner === 'host:999' }),
      ).toEqual({
        ok: true,
      });
      expect(asked).toEqual(['host:999']);
      expect(store.requireRun(run).owner).toBe('host:2');
    });

    it('renews only for its holder and releases only by its holder', () => {
      const store = make();
      const run = createRun(store);
      store.acquireLease(run, 'me', 1000);
      const before = store.requireRun(run).leaseExpiresAt ?? '';
      expect(store.renewLease(run, 'me', 10 * MINUTE)).toBe(true);
      expect(Date.parse(store.requireRun(run).leaseExpiresAt ?? '')).toBeGreaterThan(Date.parse(before));
      expect(store.renewLease(run, 'someone-else', MINUTE)).toBe(false);
      store.releaseLease(run, 'someone-else');
      expect(store.requireRun(run).owner).toBe('me');
      store.releaseLease(run, 'me');
      expect(store.requireRun(run)).toMatchObject({ owner: null, leaseExpiresAt: null });
      expect(store.acquireLease(run, 'next', MINUTE)).toEqual({ ok: true });
    });

    it('refuses a lease on an unknown run', () => {
      const store = make();
      expect(() => store.acquireLease('ghost', 'me', MINUTE)).toThrow(
        expect.objectContaining({ code: 'RUN_NOT_FOUND' }),
      );
    });
  });
}
