// The warehouse's partition replace, reproduced for the demo's own baseline fill (main thread, better-sqlite3):
// DELETE the partition's rows, then INSERT the step's SELECT with columns matched by name, in one transaction.

import type Database from 'better-sqlite3';
import { quoteSqliteIdent } from '../warehouse/sql-params.js';

export interface ReplaceParams {
  partition: string;
  start: string;
  end: string;
  run_id: string;
}

const quote = quoteSqliteIdent;

/** Prepared statements for one step, reusable across partitions. */
export class PartitionReplacer {
  private readonly remove: Database.Statement;
  private readonly insert: Database.Statement;
  private readonly replace: (params: ReplaceParams) => number;

  constructor(db: Database.Database, table: string, partitionColumn: string, selectSql: string) {
    const columns = db
      .prepare(selectSql)
      .columns()
      .map((c) => quote(c.name));
    const body = selectSql.trim().replace(/;\s*$/, '');
    this.remove = db.prepare(`DELETE FROM ${quote(table)} WHERE ${quote(partitionColumn)} = @partition`);
    this.insert = db.prepare(
      `INSERT INTO ${quote(table)} (${columns.join(', ')}) SELECT * FROM (\n${body}\n)`,
    );
    this.replace = db.transaction((params: ReplaceParams) => {
      this.remove.run({ partition: params.partition });
      return this.insert.run(params).changes;
    });
  }

  /** Replace one partition; returns the rows written. */
  run(params: ReplaceParams): number {
    return this.replace(params);
  }
}
