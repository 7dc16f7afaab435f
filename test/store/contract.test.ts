// Runs the store contract against SQLite files in temp dirs, with NORMAL and FULL synchronous, through the
// asynchronous interface (openEventStore); tampering goes through a second, raw connection to the file.
import Database from 'better-sqlite3';
import { openEventStore } from '../../store/index.js';
import { describeStoreContract, type Tamper } from './contract.js';
import { tempDbFile } from './helpers.js';

const tamper: Tamper = async (store, sql, ...params) => {
  const db = new Database(store.location);
  try {
    db.prepare(sql).run(...params);
  } finally {
    db.close();
  }
};

describeStoreContract(
  'SQLite (WAL, synchronous NORMAL)',
  (peer) => openEventStore(peer ? peer.location : tempDbFile()),
  tamper,
);
describeStoreContract(
  'SQLite (WAL, synchronous FULL)',
  (peer) => openEventStore(peer ? peer.location : tempDbFile(), { synchronous: 'FULL' }),
  tamper,
);
