// oidc-provider adapter over Redis (ioredis), for several instances sharing one store.
// Every key lives under the client's keyPrefix (REDIS_PREFIX). Layout:
//   <Model>:<sha256(id)>          hash { payload, consumed? }   EX = the model's lifetime
//   grant:<grantId>               set of the keys issued under that grant (revokeByGrantId)
//   <Model>:uid:<sha256(uid)>     the key of the payload with that uid (Session lookups)
//   <Model>:userCode:<sha256(c)>  the key of the payload with that user code (device flow)
//   account-sessions:<accountId>  set of session keys (sign out everywhere)
//   account-grants:<accountId>    set of grant keys ("Mes connexions", account deletion)
// Written with one MULTI per call, never awaiting inside it.
import type { Redis } from 'ioredis';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import { indexFields, sealPayload, storageKey, unsealPayload } from './stored-payload.js';

/** Models indexed per account, and the name of their index. */
const ACCOUNT_INDEXES: Record<string, string> = { Session: 'account-sessions', Grant: 'account-grants' };

/** The Redis set holding the keys of an account's payloads of one model (Session or Grant). */
export const accountIndexKey = (model: 'Session' | 'Grant', accountId: string): string => `${ACCOUNT_INDEXES[model]}:${accountId}`;

const GRANTABLE = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest', 'PreAuthorizedCode']);

export class RedisAdapter implements Adapter {
  constructor(private readonly model: string, private readonly redis: Redis, private readonly now: () => Date) {}

  #key(id: string) {
    return `${this.model}:${storageKey(id)}`;
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const key = this.#key(id);
    const index = indexFields(payload);
    const multi = this.redis.multi();
    multi.del(key);
    multi.hset(key, 'payload', JSON.stringify(sealPayload(this.model, id, payload)));
    const expire = (k: string) => { if (expiresIn) multi.expire(k, expiresIn); };
    expire(key);
    if (index.grantId && GRANTABLE.has(this.model)) {
      const grantKey = `grant:${index.grantId}`;
      multi.sadd(grantKey, key);
      // The grant index lives as long as its longest-lived member.
      if (expiresIn) multi.expire(grantKey, expiresIn, 'GT'), multi.expire(grantKey, expiresIn, 'NX');
    }
    if (index.uid) { multi.set(`${this.model}:uid:${index.uid}`, key); expire(`${this.model}:uid:${index.uid}`); }
    if (index.userCode) { multi.set(`${this.model}:userCode:${index.userCode}`, key); expire(`${this.model}:userCode:${index.userCode}`); }
    const accountIndex = ACCOUNT_INDEXES[this.model];
    if (accountIndex && index.accountId) {
      const indexKey = accountIndexKey(this.model as 'Session' | 'Grant', index.accountId);
      multi.sadd(indexKey, key);
      if (expiresIn) multi.expire(indexKey, expiresIn, 'GT'), multi.expire(indexKey, expiresIn, 'NX');
    }
    await multi.exec();
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    const stored = await this.#read(this.#key(id));
    return stored && unsealPayload(id, stored);
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    const key = await this.redis.get(`${this.model}:uid:${storageKey(uid)}`);
    return key ? this.#read(key) : undefined;
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    const key = await this.redis.get(`${this.model}:userCode:${storageKey(userCode)}`);
    return key ? this.#read(key) : undefined;
  }

  async consume(id: string): Promise<void> {
    // Only mark a payload that still exists: an expired one must not come back without a TTL.
    await this.redis.eval("if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('HSET', KEYS[1], 'consumed', ARGV[1]) end return 0",
      1, this.#key(id), Math.floor(this.now().getTime() / 1000));
  }

  async destroy(id: string): Promise<void> {
    await this.redis.del(this.#key(id));
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    const grantKey = `grant:${grantId}`;
    const keys = await this.redis.smembers(grantKey);
    await this.redis.multi().del(...keys, grantKey).exec();
  }

  async #read(key: string): Promise<AdapterPayload | undefined> {
    const { payload, consumed } = await this.redis.hgetall(key);
    if (!payload) return undefined;
    const parsed = JSON.parse(payload) as AdapterPayload;
    return consumed ? { ...parsed, consumed: Number(consumed) } : parsed;
  }
}
