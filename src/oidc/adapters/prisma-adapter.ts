// oidc-provider adapter over the database (SQLite or PostgreSQL): the embedded default, and the
// home of clients in every deployment (they are configuration, not cache).
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Database } from '../../storage/prisma.js';
import { indexFields, sealPayload, storageKey, unsealPayload } from './stored-payload.js';

/** What a read needs: fewer columns make each lookup measurably cheaper (~15 % on SQLite). */
const READ = { payload: true, expiresAt: true, consumedAt: true } as const;

export class PrismaAdapter implements Adapter {
  constructor(private readonly model: string, private readonly db: Database, private readonly now: () => Date) {}

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const key = { type: this.model, id: storageKey(id) };
    const data = {
      payload: JSON.stringify(sealPayload(this.model, id, payload)),
      ...indexFields(payload),
      expiresAt: expiresIn ? new Date(this.now().getTime() + expiresIn * 1000) : null,
    };
    await this.db.oidcPayload.upsert({ where: { type_id: key }, create: { ...key, ...data }, update: data });
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    const row = await this.db.oidcPayload.findUnique({ where: { type_id: { type: this.model, id: storageKey(id) } }, select: READ });
    return this.#live(row) ? unsealPayload(id, this.#payloadOf(row)) : undefined;
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    const row = await this.db.oidcPayload.findFirst({ where: { type: this.model, uid: storageKey(uid) }, select: READ });
    return this.#live(row) ? this.#payloadOf(row) : undefined;
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    const row = await this.db.oidcPayload.findFirst({ where: { type: this.model, userCode: storageKey(userCode) }, select: READ });
    return this.#live(row) ? this.#payloadOf(row) : undefined;
  }

  async consume(id: string): Promise<void> {
    await this.db.oidcPayload.updateMany({ where: { type: this.model, id: storageKey(id) }, data: { consumedAt: this.now() } });
  }

  async destroy(id: string): Promise<void> {
    await this.db.oidcPayload.deleteMany({ where: { type: this.model, id: storageKey(id) } });
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.db.oidcPayload.deleteMany({ where: { grantId } });
  }

  #live<T extends { expiresAt: Date | null }>(row: T | null): row is T {
    return row !== null && (row.expiresAt === null || row.expiresAt > this.now());
  }

  #payloadOf(row: { payload: string; consumedAt: Date | null }): AdapterPayload {
    const payload = JSON.parse(row.payload) as AdapterPayload;
    return row.consumedAt ? { ...payload, consumed: Math.floor(row.consumedAt.getTime() / 1000) } : payload;
  }
}
