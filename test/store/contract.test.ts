// Runs the store contract against file-backed stores in temp dirs, with NORMAL and FULL synchronous.
import { openStore } from '../../store/index.js';
import { describeStoreContract } from './contract.js';
import { tempDbFile } from './helpers.js';

describeStoreContract('SqliteStore (WAL, synchronous NORMAL)', () => openStore(tempDbFile()));
describeStoreContract('SqliteStore (WAL, synchronous FULL)', () =>
  openStore(tempDbFile(), { synchronous: 'FULL' }),
);
