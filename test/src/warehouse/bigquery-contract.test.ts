// The shared warehouse contract, for the cases a SQL-less local server can honestly serve (it runs no SQL).
import { afterEach, beforeEach } from 'vitest';
import { type BqServer, startBqServer } from '../../support/bq-server.js';
import { openAgainst } from '../../support/bq-server-fixtures.js';
import { describeWarehouseContract } from './contract.js';

let server: BqServer;
beforeEach(async () => {
  server = await startBqServer();
  // listPartitions: the rows the source query returns for 2024-01-02 … 2024-01-31, in its DESC order.
  server.answer(/ORDER BY day DESC$/, [{ partition: '2024-01-03' }, { partition: '2024-01-02' }]);
  // syntaxErrorIsQuery: BigQuery rejects the insert of a job whose SQL does not parse.
  server.fail({ on: 'insert', match: /^SELEC /, kind: 'invalidQuery', times: 100 });
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
  ['listPartitions', 'syntaxErrorIsQuery'],
);
