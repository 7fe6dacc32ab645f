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

/**
 * Scripts, each one round trip (ioredis sends them by SHA once Redis knows them). Standalone
 * Redis: a lookup reads the key an index points to, which the script cannot declare in advance.
 */
const SCRIPTS = {
  /** The hash an index key points to (uid or user code lookups), as HGETALL gives it. */
  passerelleReadIndexed: {
    numberOfKeys: 1,
    lua: "local key = redis.call('GET', KEYS[1]) if not key then return {} end return redis.call('HGETALL', ARGV[1] .. key)",
  },
  /** Marks a payload consumed if it still exists: an expired one must not come back without a TTL. */
  passerelleConsume: {
    numberOfKeys: 1,
    lua: "if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('HSET', KEYS[1], 'consumed', ARGV[1]) end return 0",
  },
} as const;

type ScriptedRedis = Redis & {
  passerelleReadIndexed(indexKey: string, keyPrefix: string): Promise<string[]>;
  passerelleConsume(key: string, consumedAt: number): Promise<number>;
};

function withScripts(redis: Redis): ScriptedRedis {
  for (const [name, definition] of Object.entries(SCRIPTS)) {
    if (!(name in redis)) redis.defineCommand(name, definition);
  }
  return redis as ScriptedRedis;
}

const GRANTABLE = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest', 'PreAuthorizedCode']);

export class RedisAdapter implements Adapter {
  private readonly redis: ScriptedRedis;

  constructor(private readonly model: string, redis: Redis, private readonly now: () => Date) {
    this.redis = withScripts(redis);
  }

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

  /** Every API call with a session-bound access token looks its session up by uid. */
  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.#readIndexed(`${this.model}:uid:${storageKey(uid)}`);
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.#readIndexed(`${this.model}:userCode:${storageKey(userCode)}`);
  }

  async consume(id: string): Promise<void> {
    await this.redis.passerelleConsume(this.#key(id), Math.floor(this.now().getTime() / 1000));
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
    return this.#parse(payload, consumed);
  }

  async #readIndexed(indexKey: string): Promise<AdapterPayload | undefined> {
    const fields = await this.redis.passerelleReadIndexed(indexKey, this.redis.options.keyPrefix ?? '');
    const value = (name: string) => { const at = fields.indexOf(name); return at % 2 === 0 ? fields[at + 1] : undefined; };
    return this.#parse(value('payload'), value('consumed'));
  }

  #parse(payload: string | undefined, consumed: string | undefined): AdapterPayload | undefined {
    if (!payload) return undefined;
    const parsed = JSON.parse(payload) as AdapterPayload;
    return consumed ? { ...parsed, consumed: Number(consumed) } : parsed;
  }
}
