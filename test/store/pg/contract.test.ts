// The store contract suite, the same one SQLite passes, against the PostgreSQL store on a real server: a fresh
// schema per store, a second pool on the same schema for "another process", tampering with plain SQL.
import pg from 'pg';
import type { PgEventStore } from '../../../store/pg/index.js';
import { describeStoreContract, type Tamper } from '../contract.js';
import { usePg } from './helpers.js';

const ctx = usePg();

/** Runs a contract tamper statement (written with `?` placeholders) in the store's schema, behind its back. */
const tamper: Tamper = async (store, sql, ...params) => {
  let n = 0;
  const text = sql.replace(/\?/g, () => `$${++n}`);
  const c = new pg.Client({ connectionString: ctx.pg.url });
  await c.connect();
  try {
    await c.query(`SET search_path TO ${(store as PgEventStore).schema}`);
    await c.query(text, params);
  } finally {
    await c.end();
  }
};

describeStoreContract(
  'PostgreSQL',
  (peer) => ctx.open(peer ? { schema: (peer as PgEventStore).schema } : {}),
  tamper,
);
