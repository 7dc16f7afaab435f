// The event store's contract suite: every behaviour the driver and CLI rely on, run against a store factory.
// Each behaviour lives in its own module under contract/; this file only composes them.

import { afterAll, afterEach, describe } from 'vitest';
import { openStore, type SqliteStore } from '../../store/index.js';
import { appendSuite } from './contract/append.js';
import { chainSuite } from './contract/chain.js';
import { externalSuite } from './contract/external.js';
import { iterateSuite } from './contract/iterate.js';
import { leaseSuite } from './contract/lease.js';
import { projectionSuite } from './contract/projection.js';
import { runsSuite } from './contract/runs.js';
import { snapshotSuite } from './contract/snapshots.js';
import { removeTempDirs } from './helpers.js';

/** What a behaviour suite gets: fresh stores, and second connections to a store's file (all closed after each test). */
export interface StoreCtx {
  make: () => SqliteStore;
  reopen: (store: SqliteStore) => SqliteStore;
}

export function describeStoreContract(name: string, make: () => SqliteStore): void {
  describe(name, () => {
    const open: SqliteStore[] = [];
    const track = (s: SqliteStore): SqliteStore => {
      open.push(s);
      return s;
    };
    const tracked: StoreCtx = { make: () => track(make()), reopen: (s) => track(openStore(s.file)) };
    afterEach(() => {
      for (const s of open.splice(0)) s.close();
    });
    afterAll(removeTempDirs);
    runsSuite(tracked);
    appendSuite(tracked);
    externalSuite(tracked);
    chainSuite(tracked);
    projectionSuite(tracked);
    snapshotSuite(tracked);
    iterateSuite(tracked);
    leaseSuite(tracked);
  });
}
