// Contract: creating, listing and requiring runs; duplicate ids and unknown ids are bad input.
import { describe, expect, it } from 'vitest';
import { PhasedError } from '../../../machines/index.js';
import type { StoreCtx } from '../contract.js';
import { createRun } from '../helpers.js';

export function runsSuite({ make }: StoreCtx): void {
  describe('runs', () => {
    it('creates a run with status created, no events and no lease', () => {
      const store = make();
      createRun(store, 'r1');
      expect(store.requireRun('r1')).toMatchObject({
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
      expect(store.head('r1')).toEqual({ seq: 0, hash: '' });
      expect(store.getRun('nope')).toBeUndefined();
    });

    it('refuses a duplicate run id with BAD_ARGUMENT', () => {
      const store = make();
      createRun(store, 'dup');
      const err = (() => {
        try {
          createRun(store, 'dup');
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(PhasedError);
      expect((err as PhasedError).code).toBe('BAD_ARGUMENT');
      expect((err as PhasedError).message).toContain('run dup already exists');
    });

    it('lists runs newest first', () => {
      const store = make();
      createRun(store, 'old', '2025-01-01T00:00:00.000Z');
      createRun(store, 'new', '2025-03-01T00:00:00.000Z');
      createRun(store, 'mid', '2025-02-01T00:00:00.000Z');
      expect(store.listRuns().map((r) => r.runId)).toEqual(['new', 'mid', 'old']);
    });

    it('RUN_NOT_FOUND names the run, the file and up to 5 existing runs', () => {
      const store = make();
      expect(() => store.requireRun('ghost')).toThrow(
        /run ghost not found in .*phased\.db; it holds no runs yet/,
      );
      for (let i = 1; i <= 7; i++) createRun(store, `run-${i}`, `2025-01-0${i}T00:00:00.000Z`);
      let err: PhasedError | undefined;
      try {
        store.requireRun('ghost');
      } catch (e) {
        err = e as PhasedError;
      }
      expect(err?.code).toBe('RUN_NOT_FOUND');
      expect(err?.message).toContain(store.file);
      expect(err?.message).toContain('run-7, run-6, run-5, run-4, run-3, …');
      expect(err?.message).not.toContain('run-2');
    });
  });
}
