// Contract: creating, listing and requiring runs; duplicate ids and unknown ids are bad input.
import { describe, expect, it } from 'vitest';
import { PhasedError } from '../../../machines/index.js';
import type { StoreCtx } from '../contract.js';
import { newRun } from '../helpers.js';

export function runsSuite({ make }: StoreCtx): void {
  describe('runs', () => {
    it('creates a run with status created, no events and no lease', async () => {
      const store = await make();
      await newRun(store, 'r1');
      expect(await store.requireRun('r1')).toMatchObject({
        runId: 'r1',
        planName: 'nba-phase3-phase4',
        planJson: '{"name":"nba-phase3-phase4"}',
        status: 'created',
        stateJson: null,
        owner: null,
        leaseExpiresAt: null,
        headSeq: 0,
        updatedAt: null,
      });
      expect(await store.head('r1')).toEqual({ seq: 0, hash: '' });
      expect(await store.getRun('nope')).toBeUndefined();
    });

    it('refuses a duplicate run id with BAD_ARGUMENT', async () => {
      const store = await make();
      await newRun(store, 'dup');
      const err = await newRun(store, 'dup').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(PhasedError);
      expect((err as PhasedError).code).toBe('BAD_ARGUMENT');
      expect((err as PhasedError).message).toContain('run dup already exists');
    });

    it('lists runs newest first', async () => {
      const store = await make();
      await newRun(store, 'old', '2025-01-01T00:00:00.000Z');
      await newRun(store, 'new', '2025-03-01T00:00:00.000Z');
      await newRun(store, 'mid', '2025-02-01T00:00:00.000Z');
      expect((await store.listRuns()).map((r) => r.runId)).toEqual(['new', 'mid', 'old']);
    });

    it('RUN_NOT_FOUND names the run, the store and up to 5 existing runs', async () => {
      const store = await make();
      await expect(store.requireRun('ghost')).rejects.toThrow(
        `run ghost not found in ${store.location}; it holds no runs yet`,
      );
      for (let i = 1; i <= 7; i++) await newRun(store, `run-${i}`, `2025-01-0${i}T00:00:00.000Z`);
      let err: PhasedError | undefined;
      try {
        await store.requireRun('ghost');
      } catch (e) {
        err = e as PhasedError;
      }
      expect(err?.code).toBe('RUN_NOT_FOUND');
      expect(err?.message).toContain(store.location);
      expect(err?.message).toContain('run-7, run-6, run-5, run-4, run-3, …');
      expect(err?.message).not.toContain('run-2');
    });
  });
}
