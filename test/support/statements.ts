// What a DirectSql connection reads while an action runs: the tests that count statements.
import type { DirectSql } from '../../src/storage/direct-sql.js';

/** The text of every read (`one`, `all`) `sql` makes while `action` runs, in order. */
export async function readsDuring(sql: DirectSql, action: () => Promise<unknown>): Promise<string[]> {
  const reads: string[] = [];
  const [one, all] = [sql.one, sql.all];
  sql.one = (text, params) => { reads.push(text); return one(text, params); };
  sql.all = (text, params) => { reads.push(text); return all(text, params); };
  try {
    await action();
  } finally {
    Object.assign(sql, { one, all });
  }
  return reads;
}
