// oidc-provider adapter over the database (SQLite or PostgreSQL): the embedded default, and the
// home of clients in every deployment (they are configuration, not cache). Every protocol
// request goes through it, so it uses prepared statements on the driver, not Prisma.
//
// A token's row names the rows of its grant and, when it ends with its session, of its session
// (`grantKey`, `sessionKey`), and reading the token reads them in the same statement, with its
// account's claims (found by its grant's account, as oidc-provider checks that a token's account
// is its grant's): oidc-provider asks for them next within the same request (userinfo,
// introspection, refresh), and is answered from that read (read-ahead.ts), one statement for four.
//
// Tokens leave the `accountId` column empty (indexFields): each token written is then one entry
// fewer in its partial index.
import type { Adapter, AdapterPayload } from 'oidc-provider';
import { asDate, type DirectSql } from '../../storage/direct-sql.js';
import { accountClaimsOf } from '../../accounts/account.repository.js';
import { accountAheadKey, forgetReadAhead, keepReadAhead, takeReadAhead } from './read-ahead.js';
import { GRANTABLE, indexFields, relatedKeys, sealPayload, storageKey, storedLifetime, unsealPayload } from './stored-payload.js';

const UPSERT = `INSERT INTO "OidcPayload" ("type", "id", "payload", "grantId", "userCode", "uid", "accountId", "grantKey", "sessionKey", "expiresAt")
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT ("type", "id") DO UPDATE SET "payload" = excluded."payload", "grantId" = excluded."grantId",
    "userCode" = excluded."userCode", "uid" = excluded."uid", "accountId" = excluded."accountId",
    "grantKey" = excluded."grantKey", "sessionKey" = excluded."sessionKey", "expiresAt" = excluded."expiresAt"`;
const READ = 'SELECT "payload", "expiresAt", "consumedAt" FROM "OidcPayload"';
const FIND = `${READ} WHERE "type" = ? AND "id" = ?`;
const FIND_BY_UID = `${READ} WHERE "type" = ? AND "uid" = ? LIMIT 1`;
const FIND_BY_USER_CODE = `${READ} WHERE "type" = ? AND "userCode" = ? LIMIT 1`;
/**
 * A token with the rows of its grant and session, when it names them and they are still there,
 * and its grant's account's claims (account.repository.ts's ACCOUNT_CLAIMS).
 */
const FIND_TOKEN = `SELECT t."payload", t."expiresAt", t."consumedAt", t."grantKey", t."sessionKey", g."accountId",
    g."payload" AS "grantPayload", g."expiresAt" AS "grantExpiresAt", g."consumedAt" AS "grantConsumedAt",
    s."payload" AS "sessionPayload", s."expiresAt" AS "sessionExpiresAt", s."consumedAt" AS "sessionConsumedAt",
    a."id" AS "accountFound", a."email" AS "accountEmail", a."emailVerifiedAt" AS "accountEmailVerifiedAt",
    a."updatedAt" AS "accountUpdatedAt", a."status" AS "accountStatus"
  FROM "OidcPayload" t
  LEFT JOIN "OidcPayload" g ON g."type" = 'Grant' AND g."id" = t."grantKey"
  LEFT JOIN "OidcPayload" s ON s."type" = 'Session' AND s."uid" = t."sessionKey"
  LEFT JOIN "Account" a ON a."id" = g."accountId"
  WHERE t."type" = ? AND t."id" = ?`;
const CONSUME = 'UPDATE "OidcPayload" SET "consumedAt" = ? WHERE "type" = ? AND "id" = ?';
const DESTROY = 'DELETE FROM "OidcPayload" WHERE "type" = ? AND "id" = ?';
const REVOKE_GRANT = 'DELETE FROM "OidcPayload" WHERE "grantId" = ?';

interface Row { payload: string; expiresAt: unknown; consumedAt: unknown }
interface TokenRow extends Row {
  grantKey: string | null; sessionKey: string | null;
  grantPayload: string | null; grantExpiresAt: unknown; grantConsumedAt: unknown;
  sessionPayload: string | null; sessionExpiresAt: unknown; sessionConsumedAt: unknown;
  accountId: string | null; accountFound: string | null; accountEmail: unknown; accountEmailVerifiedAt: unknown; accountUpdatedAt: unknown; accountStatus: unknown;
}

/** Read-ahead keys (read-ahead.ts): a payload by its hashed id, and by its hashed uid. */
const aheadKey = (model: string, hashedId: string) => `${model}:${hashedId}`;
const aheadUidKey = (model: string, hashedUid: string) => `${model}:uid:${hashedUid}`;
/** A joined row's columns as a row of its own, or null when the join found nothing. */
const joinedRow = (payload: string | null, expiresAt: unknown, consumedAt: unknown): Row | null => (payload === null ? null : { payload, expiresAt, consumedAt });

export class SqlAdapter implements Adapter {
  constructor(private readonly model: string, private readonly sql: DirectSql, private readonly now: () => Date) {}

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const index = indexFields(this.model, payload);
    const related = relatedKeys(this.model, payload);
    const lifetime = storedLifetime(expiresIn);
    forgetReadAhead();
    await this.sql.run(UPSERT, [
      this.model, storageKey(id), JSON.stringify(sealPayload(this.model, id, payload)),
      index.grantId, index.userCode, index.uid, index.accountId, related.grantKey, related.sessionKey,
      lifetime ? new Date(this.now().getTime() + lifetime * 1000) : null,
    ]);
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    const key = storageKey(id);
    const row = GRANTABLE.has(this.model)
      ? this.#keepRelated(await this.sql.one<TokenRow>(FIND_TOKEN, [this.model, key]))
      : await this.#readAheadOr(aheadKey(this.model, key), FIND, [this.model, key]);
    const payload = this.#live(row);
    return payload && unsealPayload(id, payload);
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    const key = storageKey(uid);
    return this.#live(await this.#readAheadOr(aheadUidKey(this.model, key), FIND_BY_UID, [this.model, key]));
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.#live(await this.sql.one<Row>(FIND_BY_USER_CODE, [this.model, storageKey(userCode)]));
  }

  async consume(id: string): Promise<void> {
    forgetReadAhead();
    await this.sql.run(CONSUME, [this.now(), this.model, storageKey(id)]);
  }

  async destroy(id: string): Promise<void> {
    forgetReadAhead();
    await this.sql.run(DESTROY, [this.model, storageKey(id)]);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    forgetReadAhead();
    await this.sql.run(REVOKE_GRANT, [grantId]);
  }

  /** What was read ahead under `ahead` (null: gone), else the row `sql` finds. */
  #readAheadOr(ahead: string, sql: string, params: string[]): Row | null | Promise<Row | undefined> {
    const row = takeReadAhead<Row | null>(ahead);
    return row !== undefined ? row : this.sql.one<Row>(sql, params);
  }

  /** Keeps the token's grant, session and account for the lookups that follow (null: gone); returns the token's row. */
  #keepRelated(row: TokenRow | undefined): Row | undefined {
    if (!row) return undefined;
    if (row.grantKey) keepReadAhead(aheadKey('Grant', row.grantKey), joinedRow(row.grantPayload, row.grantExpiresAt, row.grantConsumedAt));
    if (row.sessionKey) keepReadAhead(aheadUidKey('Session', row.sessionKey), joinedRow(row.sessionPayload, row.sessionExpiresAt, row.sessionConsumedAt));
    if (row.accountId) {
      const claims = row.accountFound === null ? null : accountClaimsOf({
        id: row.accountFound, email: row.accountEmail, emailVerifiedAt: row.accountEmailVerifiedAt, updatedAt: row.accountUpdatedAt, status: row.accountStatus,
      });
      keepReadAhead(accountAheadKey(row.accountId), claims);
    }
    return row;
  }

  /** The stored payload if it has not expired, with `consumed` restored from its column. */
  #live(row: Row | null | undefined): AdapterPayload | undefined {
    if (!row) return undefined;
    const expiresAt = asDate(row.expiresAt);
    if (expiresAt && expiresAt <= this.now()) return undefined;
    const payload = JSON.parse(row.payload) as AdapterPayload;
    const consumedAt = asDate(row.consumedAt);
    return consumedAt ? { ...payload, consumed: Math.floor(consumedAt.getTime() / 1000) } : payload;
  }
}
