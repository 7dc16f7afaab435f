// The event store's contract suite: every behaviour the engine and CLI rely on, run against the asynchronous
// EventStore interface through a factory, so each backend plugs in with one line. Each behaviour lives in its own
// module under contract/; this file only composes them.

import { afterAll, afterEach, describe } from 'vitest';
import type { EventStore } from '../../store/index.js';
import { appendSuite } from './contract/append.js';
import { chainSuite } from './contract/chain.js';
import { conflictSuite } from './contract/external.js';
import { iterateSuite } from './contract/iterate.js';
import { leaseSuite } from './contract/lease.js';
import { pipelineSuite } from './contract/pipeline.js';
import { projectionSuite } from './contract/projection.js';
import { runsSuite } from './contract/runs.js';
import { snapshotSuite } from './contract/snapshots.js';
import { removeTempDirs } from './helpers.js';

/**
 * Opens a store: a fresh empty one, or (given `peer`) another connection to the same store as `peer`, as a second
 * process would open it.
 */
export type OpenStore = (peer?: EventStore) => Promise<EventStore>;

/** Runs one SQL statement against the store's own tables behind its back (the tamper tests). */
export type Tamper = (store: EventStore, sql: string, ...params: unknown[]) => Promise<void>;

/** What a behaviour suite gets: fresh stores and second connections (all closed after each test). */
export interface StoreCtx {
  make: () => Promise<EventStore>;
  reopen: (store: EventStore) => Promise<EventStore>;
  /** Present when the backend can be tampered with in SQL; the tamper tests run only then. */
  tamper?: Tamper;
}

export function describeStoreContract(name: string, open: OpenStore, tamper?: Tamper): void {
  describe(name, () => {
    const opened: EventStore[] = [];
    const track = (s: EventStore): EventStore => {
      opened.push(s);
      return s;
    };
    const ctx: StoreCtx = {
      make: async () => track(await open()),
      reopen: async (s) => track(await open(s)),
      tamper,
    };
    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close();
    });
    afterAll(removeTempDirs);
    runsSuite(ctx);
    appendSuite(ctx);
    conflictSuite(ctx);
    pipelineSuite(ctx);
    chainSuite(ctx);
    projectionSuite(ctx);
    snapshotSuite(ctx);
    iterateSuite(ctx);
    leaseSuite(ctx);
  });
}
