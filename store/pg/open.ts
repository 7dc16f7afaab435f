// Opens the PostgreSQL event store: parses the URL, checks that the server answers (a clear bad-input error
// naming host and database when it does not), creates or migrates the schema, and hands back the store.
// Owns the connection's life cycle, not the SQL of any store operation.

import type pg from 'pg';
import { PhasedError } from '../../machines/index.js';
import { snapshotInterval } from '../api.js';
import { Db, type PgOptions } from './db.js';
import { connectError } from './errors.js';
import { ChangeMarks } from './notify.js';
import { channelFor, migratePg, PG_SCHEMA_VERSION, schemaVersion, tooNew } from './schema.js';
import { PgEventStore } from './store.js';
import { parsePgUrl } from './url.js';

export interface PgStoreOptions extends PgOptions {
  /** The schema holding phased's tables; default `phased` (or the URL's ?schema=). */
  schema?: string;
  readonly?: boolean;
  /** How often (in events) callers should save a snapshot; default DEFAULT_SNAPSHOT_EVERY (store/api.ts). */
  snapshotEvery?: number;
}

/** Opens (creating and migrating the schema unless read-only) the event store at `url`. */
export async function openPgStore(url: string, opts: PgStoreOptions = {}): Promise<PgEventStore> {
  const target = parsePgUrl(url, opts.schema);
  const snapshotEvery = snapshotInterval(opts.snapshotEvery);
  const readonly = opts.readonly ?? false;
  const db = new Db(target, opts, readonly);
  try {
    let c: pg.PoolClient;
    try {
      c = await db.pool.connect();
    } catch (err) {
      throw connectError(target, err);
    }
    try {
      const version = await schemaVersion(c);
      if (version > PG_SCHEMA_VERSION) throw tooNew(target.location, target.schema, version);
      if (version < PG_SCHEMA_VERSION) {
        if (readonly) {
          throw new PhasedError(
            'DB_INVALID',
            version === 0
              ? `${target.location} holds no phased runs (schema ${target.schema} is missing). Start one with \`phased run PLAN --db …\`.`
              : `schema ${target.schema} at ${target.location} has version ${version}; this phased needs ${PG_SCHEMA_VERSION}. Run any writing command once to upgrade it.`,
            { details: { location: target.location, schema: target.schema } },
          );
        }
        await migratePg(c, target.schema);
      }
    } catch (err) {
      if (err instanceof PhasedError) throw err;
      throw connectError(target, err);
    } finally {
      c.release();
    }
  } catch (err) {
    await db.close().catch(() => {});
    throw err;
  }
  const channel = channelFor(target.schema);
  const marks = new ChangeMarks(db, db.clientConfig(opts, readonly), channel);
  return new PgEventStore(db, marks, channel, snapshotEvery, readonly);
}
