// Prepared statements straight on the database driver, for the few statements every protocol
// request makes (oidc-provider's payloads, the account behind claims). Prisma stays the way to
// the database everywhere else; on these paths its runtime cost 150–270 µs of CPU per statement,
// where a prepared statement costs 6 µs (libSQL) to 80 µs (a SQLite write). Same tables, same
// columns, same date encoding as Prisma, so either side reads what the other wrote.
//
// SQL is written once for both backends: double-quoted identifiers, `?` placeholders (numbered
// for PostgreSQL here), and nothing outside what SQLite and PostgreSQL share.
import { setTimeout as sleep } from 'node:timers/promises';
import Libsql from 'libsql';
import pg from 'pg';
import { groupCommit } from './group-commit.js';
import { postgresSchemaOf, providerOf, sqliteFilePath, SQLITE_BUSY_TIMEOUT_MS, SQLITE_CONNECTION_PRAGMAS } from './database-url.js';

export type SqlValue = string | number | boolean | Date | null;

export interface DirectSql {
  /** The first row, or undefined. */
  one<Row>(sql: string, params: SqlValue[]): Promise<Row | undefined>;
  /** Every row. */
  all<Row>(sql: string, params: SqlValue[]): Promise<Row[]>;
  /** Runs a write; resolves to the number of rows it changed. */
  run(sql: string, params: SqlValue[]): Promise<number>;
  close(): Promise<void>;
}

/** A date column as read back: SQLite gives Prisma's text encoding, PostgreSQL a Date. */
export const asDate = (value: unknown): Date | null =>
  value === null || value === undefined ? null : value instanceof Date ? value : new Date(value as string);

export function openDirectSql(databaseUrl: string): DirectSql {
  return providerOf(databaseUrl) === 'sqlite' ? sqliteDirect(databaseUrl) : postgresDirect(databaseUrl);
}

// ---- SQLite (libSQL, the driver Prisma's adapter already uses) ---------------------------------

/** Prisma's SQLite encoding of a DateTime: ISO 8601 with an explicit +00:00 offset. */
const sqliteDate = (date: Date) => date.toISOString().replace('Z', '+00:00');

function sqliteDirect(databaseUrl: string): DirectSql {
  // The driver is synchronous. A busy timeout would wait with the event loop stopped, while the
  // writer it waits for may be this very process (Prisma's own connections): so none here, and a
  // busy database is retried after a pause instead, for as long as Prisma's connections wait.
  const db = new Libsql(sqliteFilePath(databaseUrl), { timeout: 0 });
  for (const pragma of SQLITE_CONNECTION_PRAGMAS) db.exec(`PRAGMA ${pragma}`);
  const statements = new Map<string, Libsql.Statement>();
  const prepared = (sql: string) => {
    let statement = statements.get(sql);
    if (!statement) statements.set(sql, statement = db.prepare(sql));
    return statement;
  };
  const bind = (params: SqlValue[]) => params.map((value) => value instanceof Date ? sqliteDate(value) : typeof value === 'boolean' ? Number(value) : value);

  const isBusy = (error: unknown) => (error as { code?: string }).code === 'SQLITE_BUSY';
  async function whenNotBusy<T>(execute: () => T): Promise<T> {
    const deadline = Date.now() + SQLITE_BUSY_TIMEOUT_MS;
    for (let pause = 1; ; pause = Math.min(pause * 2, 50)) {
      try {
        return execute();
      } catch (error) {
        if (!isBusy(error) || Date.now() + pause > deadline) throw error;
      }
      await sleep(pause);
    }
  }

  type Write = [sql: string, params: SqlValue[]];
  /** A write's own outcome; a busy database is thrown, for the whole batch to be retried. */
  const outcomeOf = ([sql, params]: Write): PromiseSettledResult<number> => {
    try {
      return { status: 'fulfilled', value: prepared(sql).run(...bind(params)).changes };
    } catch (reason) {
      if (isBusy(reason)) throw reason;
      return { status: 'rejected', reason };
    }
  };
  /**
   * The batch in one transaction (a lone write in its own). A write that fails alone (a broken
   * constraint) leaves the others to commit; one that ends the transaction fails them all.
   */
  const commitTogether = (batch: Write[]): Array<PromiseSettledResult<number>> => {
    if (batch.length === 1) return [outcomeOf(batch[0]!)];
    db.exec('BEGIN IMMEDIATE');
    try {
      const outcomes = batch.map((write) => {
        const outcome = outcomeOf(write);
        if (outcome.status === 'rejected' && !db.inTransaction) throw outcome.reason;
        return outcome;
      });
      db.exec('COMMIT');
      return outcomes;
    } catch (error) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw error;
    }
  };
  const writes = groupCommit<Write, number>((batch) => whenNotBusy(() => commitTogether(batch)));

  return {
    one: (sql, params) => whenNotBusy(() => prepared(sql).get(...bind(params)) as never),
    all: (sql, params) => whenNotBusy(() => prepared(sql).all(...bind(params)) as never),
    run: (sql, params) => writes.write([sql, params]),
    close: async () => {
      await writes.drained();
      db.close();
    },
  };
}

// ---- PostgreSQL (pg, the driver Prisma's adapter already uses) ---------------------------------

const TIMESTAMP_WITHOUT_TIME_ZONE = 1114;

function postgresDirect(databaseUrl: string): DirectSql {
  const url = new URL(databaseUrl);
  const schema = postgresSchemaOf(databaseUrl);
  url.searchParams.delete('schema');
  // Prisma keeps DateTime as UTC in `timestamp(3)`: read and write it as UTC whatever the host's
  // time zone (pg's default would read it as local time).
  const types = {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      oid === TIMESTAMP_WITHOUT_TIME_ZONE ? (text: string) => new Date(`${text.replace(' ', 'T')}Z`) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
  };
  const pool = new pg.Pool({
    connectionString: url.toString(),
    max: 8,
    idleTimeoutMillis: 10_000,
    types,
    ...(schema ? { options: `-c search_path="${schema}"` } : {}),
  });
  // A connection that fails while idle is dropped from the pool; the next query opens another
  // and reports its own error. Without a listener the failure would end the process.
  pool.on('error', () => undefined);
  // Each distinct statement is prepared once per connection (a named statement).
  const texts = new Map<string, { name: string; text: string }>();
  const statement = (sql: string) => {
    let found = texts.get(sql);
    if (!found) {
      let n = 0;
      texts.set(sql, found = { name: `direct_${texts.size}`, text: sql.replace(/\?/g, () => `$${++n}`) });
    }
    return found;
  };
  const bind = (params: SqlValue[]) => params.map((value) => value instanceof Date ? value.toISOString().slice(0, -1) : value);
  const query = (sql: string, params: SqlValue[]) => pool.query({ ...statement(sql), values: bind(params) });

  return {
    one: async (sql, params) => (await query(sql, params)).rows[0],
    all: async (sql, params) => (await query(sql, params)).rows,
    run: async (sql, params) => (await query(sql, params)).rowCount ?? 0,
    close: () => pool.end(),
  };
}
