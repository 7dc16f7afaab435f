// The shared warehouse contract against the local server, which runs GoogleSQL on registered tables.
// Left out, by BigQuery's documented behaviour: a missing table is NOT_FOUND (not QUERY), and a short
// partition is reported after BigQuery has replaced it (bigquery.ts says so), not rolled back.
import { afterEach, beforeEach } from 'vitest';
import { type BqServer, startBqServer } from '../../support/bq-server.js';
import { openAgainst } from '../../support/bq-server-fixtures.js';
import { CONTRACT_ROWS, describeWarehouseContract } from './contract.js';

let server: BqServer;
beforeEach(async () => {
  server = await startBqServer();
  const columns = { day: 'DATE', k: 'INT64', v: 'STRING' };
  server.createTable('contract.source', columns, CONTRACT_ROWS);
  server.createTable('contract.target', columns, [], { partitionBy: 'day' });
});
afterEach(() => server.close());

describeWarehouseContract(
  'bigquery (local REST server)',
  async () => ({
    wh: await openAgainst(server),
    source: 'contract.source',
    target: 'contract.target',
    close: async () => undefined,
  }),
  [
    'listPartitions',
    'partitionCounts',
    'materializeIsIdempotent',
    'replaceLeavesOtherPartitions',
    'columnsMatchedByName',
    'syntaxErrorIsQuery',
  ],
);
