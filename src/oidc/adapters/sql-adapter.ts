// oidc-provider adapter over the database (SQLite or PostgreSQL): the embedded default, and the
// home of clients in every deployment (they are configuration, not cache). Every protocol
// request goes through it, so it uses prepared statements on the driver, not Prisma.
import type { Adapter, AdapterPayload } from 'oidc-provider';
import { asDate, type DirectSql } from '../../storage/direct-sql.js';
import { indexFields, sealPayload, storageKey, storedLifetime, unsealPayload } from './stored-payload.js';

const UPSERT = `INSERT INTO "OidcPayload" ("type", "id", "payload", "grantId", "userCode", "uid", "accountId", "expiresAt")
  VALUES (?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT ("type", "id") DO UPDATE SET "payload" = excluded."payload", "grantId" = excluded."grantId",
    "userCode" = excluded."userCode", "uid" = excluded."uid", "accountId" = excluded."accountId", "expiresAt" = excluded."expiresAt"`;
const READ = 'SELECT "payload", "expiresAt", "consumedAt" FROM "OidcPayload"';
const FIND = `${READ} WHERE "type" = ? AND "id" = ?`;
const FIND_BY_UID = `${READ} WHERE "type" = ? AND "uid" = ? LIMIT 1`;
const FIND_BY_USER_CODE = `${READ} WHERE "type" = ? AND "userCode" = ? LIMIT 1`;
const CONSUME = 'UPDATE "OidcPayload" SET "consumedAt" = ? WHERE "type" = ? AND "id" = ?';
const DESTROY = 'DELETE FROM "OidcPayload" WHERE "type" = ? AND "id" = ?';
const REVOKE_GRANT = 'DELETE FROM "OidcPayload" WHERE "grantId" = ?';

interface Row { payload: string; expiresAt: unknown; consumedAt: unknown }

export class SqlAdapter implements Adapter {
  constructor(private readonly model: string, private readonly sql: DirectSql, private readonly now: () => Date) {}

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const index = indexFields(payload);
    const lifetime = storedLifetime(expiresIn);
    await this.sql.run(UPSERT, [
      this.model, storageKey(id), JSON.stringify(sealPayload(this.model, id, payload)),
      index.grantId, index.userCode, index.uid, index.accountId,
      lifetime ? new Date(this.now().getTime() + lifetime * 1000) : null,
    ]);
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    const payload = this.#live(await this.sql.one<Row>(FIND, [this.model, storageKey(id)]));
    return payload && unsealPayload(id, payload);
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.#live(await this.sql.one<Row>(FIND_BY_UID, [this.model, storageKey(uid)]));
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.#live(await this.sql.one<Row>(FIND_BY_USER_CODE, [this.model, storageKey(userCode)]));
  }

  async consume(id: string): Promise<void> {
    await this.sql.run(CONSUME, [this.now(), this.model, storageKey(id)]);
  }

  async destroy(id: string): Promise<void> {
    await this.sql.run(DESTROY, [this.model, storageKey(id)]);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.sql.run(REVOKE_GRANT, [grantId]);
  }

  /** The stored payload if it has not expired, with `consumed` restored from its column. */
  #live(row: Row | undefined): AdapterPayload | undefined {
    if (!row) return undefined;
    const expiresAt = asDate(row.expiresAt);
    if (expiresAt && expiresAt <= this.now()) return undefined;
    const payload = JSON.parse(row.payload) as AdapterPayload;
    const consumedAt = asDate(row.consumedAt);
    return consumedAt ? { ...payload, consumed: Math.floor(consumedAt.getTime() / 1000) } : payload;
  }
}
