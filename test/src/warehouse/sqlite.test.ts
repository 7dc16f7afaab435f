// Runs the shared warehouse contract against the embedded SQLite backend (worker threads, real files).
import { describeWarehouseContract } from './contract.js';
import { makeSqliteFixture } from './sqlite-fixture.js';

describeWarehouseContract('sqlite', () => makeSqliteFixture());
