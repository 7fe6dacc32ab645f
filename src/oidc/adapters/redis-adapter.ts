// oidc-provider adapter over Redis (ioredis), for several instances sharing one store.
// Every key lives under the client's keyPrefix (REDIS_PREFIX). Layout:
//   <Model>:<sha256(id)>          hash { payload, consumed?, grantKey?, sessionKey? }   EX = the model's lifetime
//   grant:<grantId>               set of the keys issued under that grant (revokeByGrantId)
//   <Model>:uid:<sha256(uid)>     the key of the payload with that uid (Session lookups)
//   <Model>:userCode:<sha256(c)>  the key of the payload with that user code (device flow)
//   account-sessions:<accountId>  set of session keys (sign out everywhere)
//   account-grants:<accountId>    set of grant keys ("Mes connexions", account deletion)
// Each call is one round trip (revokeByGrantId two): writes and reads that follow an index are
// scripts.
//
// Round trips are what Redis costs (each one a write, a wake-up of Redis and a read on both
// sides): a token remembers the keys of its grant and, when it ends with its session, of its
// session, and reading the token reads them in the same round trip. oidc-provider asks for them
// next within the same request (session binding, then the grant: userinfo, introspection,
// refresh), and is answered from that read (read-ahead.ts): one round trip for three.
import type { Redis } from 'ioredis';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import { forgetReadAhead, keepReadAhead, takeReadAhead } from './read-ahead.js';
import { GRANTABLE, indexFields, relatedKeys, sealPayload, storageKey, storedLifetime, unsealPayload } from './stored-payload.js';

/**
 * The key layout above: a payload (by its id, or by its id's hash), and the pointer from a
 * (hashed) uid or user code to it.
 */
const hashedPayloadKey = (model: string, hashedId: string) => `${model}:${hashedId}`;
const payloadKey = (model: string, id: string) => hashedPayloadKey(model, storageKey(id));
const pointerKey = (model: string, index: 'uid' | 'userCode', hashed: string) => `${model}:${index}:${hashed}`;

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
  /** A token's hash, with those of its grant and its session when it names them (see above). */
  passerelleReadToken: {
    numberOfKeys: 1,
    lua: `local token = redis.call('HGETALL', KEYS[1])
      local fields = {}
      for i = 1, #token, 2 do fields[token[i]] = token[i + 1] end
      local grant, session = {}, {}
      if fields.grantKey then grant = redis.call('HGETALL', ARGV[1] .. fields.grantKey) end
      if fields.sessionKey then
        local key = redis.call('GET', ARGV[1] .. fields.sessionKey)
        if key then session = redis.call('HGETALL', ARGV[1] .. key) end
      end
      return { token, grant, session }`,
  },
  /**
   * Writes a payload (KEYS[1]; fields in ARGV[4..]) with its lifetime (ARGV[1] seconds, 0: none),
   * adds its key (ARGV[3]) to the sets KEYS[2..1+ARGV[2]], which live as long as their
   * longest-lived member, and points the index keys after them at it. One command, where a
   * MULTI of the same cost ioredis and Redis ten.
   */
  passerelleUpsert: {
    lua: `local ttl, sets, member = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
      redis.call('DEL', KEYS[1])
      redis.call('HSET', KEYS[1], unpack(ARGV, 4))
      if ttl > 0 then redis.call('EXPIRE', KEYS[1], ttl) end
      for i = 2, 1 + sets do
        redis.call('SADD', KEYS[i], member)
        if ttl > 0 then redis.call('EXPIRE', KEYS[i], ttl, 'GT') redis.call('EXPIRE', KEYS[i], ttl, 'NX') end
      end
      for i = 2 + sets, #KEYS do
        redis.call('SET', KEYS[i], member)
        if ttl > 0 then redis.call('EXPIRE', KEYS[i], ttl) end
      end
      return 1`,
  },
  /** Marks a payload consumed if it still exists: an expired one must not come back without a TTL. */
  passerelleConsume: {
    numberOfKeys: 1,
    lua: "if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('HSET', KEYS[1], 'consumed', ARGV[1]) end return 0",
  },
} as const;

type ScriptedRedis = Redis & {
  /** numberOfKeys first: the sets and index keys vary by model. */
  passerelleUpsert(numberOfKeys: number, ...keysThenArgs: Array<string | number>): Promise<number>;
  passerelleReadToken(key: string, keyPrefix: string): Promise<[string[], string[], string[]]>;
  passerelleReadIndexed(indexKey: string, keyPrefix: string): Promise<string[]>;
  passerelleConsume(key: string, consumedAt: number): Promise<number>;
};

function withScripts(redis: Redis): ScriptedRedis {
  for (const [name, definition] of Object.entries(SCRIPTS)) {
    if (!(name in redis)) redis.defineCommand(name, definition);
  }
  return redis as ScriptedRedis;
}

/** The value of `name` in a flat HGETALL reply. */
const fieldOf = (fields: string[], name: string): string | undefined => {
  for (let i = 0; i < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
};

export class RedisAdapter implements Adapter {
  private readonly redis: ScriptedRedis;
  /** What scripts put before the keys they find in hashes and pointers (ioredis prefixes only KEYS). */
  readonly #keyPrefix: string;

  constructor(private readonly model: string, redis: Redis, private readonly now: () => Date) {
    this.redis = withScripts(redis);
    this.#keyPrefix = redis.options.keyPrefix ?? '';
  }

  #key(id: string) {
    return payloadKey(this.model, id);
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const key = this.#key(id);
    const index = indexFields(this.model, payload);
    const sets: string[] = [];
    // A grant's tokens, for revokeByGrantId; an account's sessions and grants, for its pages.
    if (index.grantId && GRANTABLE.has(this.model)) sets.push(`grant:${index.grantId}`);
    if (ACCOUNT_INDEXES[this.model] && index.accountId) sets.push(accountIndexKey(this.model as 'Session' | 'Grant', index.accountId));
    const pointers: string[] = [];
    if (index.uid) pointers.push(pointerKey(this.model, 'uid', index.uid));
    if (index.userCode) pointers.push(pointerKey(this.model, 'userCode', index.userCode));
    forgetReadAhead();
    const fields = ['payload', JSON.stringify(sealPayload(this.model, id, payload)), ...this.#relatedKeys(payload)];
    await this.redis.passerelleUpsert(1 + sets.length + pointers.length, key, ...sets, ...pointers, storedLifetime(expiresIn) ?? 0, sets.length, key, ...fields);
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    const key = this.#key(id);
    const ahead = takeReadAhead<string[]>(key);
    let stored: AdapterPayload | undefined;
    if (ahead) stored = this.#parseHash(ahead);
    else stored = GRANTABLE.has(this.model) ? await this.#readToken(key) : await this.#read(key);
    return stored && unsealPayload(id, stored);
  }

  /** Every API call with a session-bound access token looks its session up by uid. */
  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    const indexKey = pointerKey(this.model, 'uid', storageKey(uid));
    const ahead = takeReadAhead<string[]>(indexKey);
    if (ahead) return this.#parseHash(ahead);
    return this.#readIndexed(indexKey);
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.#readIndexed(pointerKey(this.model, 'userCode', storageKey(userCode)));
  }

  async consume(id: string): Promise<void> {
    const key = this.#key(id);
    forgetReadAhead();
    await this.redis.passerelleConsume(key, Math.floor(this.now().getTime() / 1000));
  }

  async destroy(id: string): Promise<void> {
    forgetReadAhead();
    await this.redis.del(this.#key(id));
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    const grantKey = `grant:${grantId}`;
    forgetReadAhead();
    const keys = await this.redis.smembers(grantKey);
    await this.redis.multi().del(...keys, grantKey).exec();
  }

  async #read(key: string): Promise<AdapterPayload | undefined> {
    const { payload, consumed } = await this.redis.hgetall(key);
    return this.#parse(payload, consumed);
  }

  /** A token, reading ahead the grant and session it names for the request under way. */
  async #readToken(key: string): Promise<AdapterPayload | undefined> {
    const [token, grant, session] = await this.redis.passerelleReadToken(key, this.#keyPrefix);
    const grantKey = fieldOf(token, 'grantKey');
    const sessionKey = fieldOf(token, 'sessionKey');
    // An empty reply is kept too: the grant or session is gone, and the lookup will say so.
    if (grantKey) keepReadAhead(grantKey, grant);
    if (sessionKey) keepReadAhead(sessionKey, session);
    return this.#parseHash(token);
  }

  /** The hash fields naming a token's grant and, when it ends with it, its session (see above). */
  #relatedKeys(payload: AdapterPayload): string[] {
    const { grantKey, sessionKey } = relatedKeys(this.model, payload);
    const fields: string[] = [];
    if (grantKey) fields.push('grantKey', hashedPayloadKey('Grant', grantKey));
    if (sessionKey) fields.push('sessionKey', pointerKey('Session', 'uid', sessionKey));
    return fields;
  }

  async #readIndexed(indexKey: string): Promise<AdapterPayload | undefined> {
    const fields = await this.redis.passerelleReadIndexed(indexKey, this.#keyPrefix);
    return this.#parseHash(fields);
  }

  /** A flat HGETALL reply (a script's) as a payload. */
  #parseHash(fields: string[]): AdapterPayload | undefined {
    return this.#parse(fieldOf(fields, 'payload'), fieldOf(fields, 'consumed'));
  }

  #parse(payload: string | undefined, consumed: string | undefined): AdapterPayload | undefined {
    if (!payload) return undefined;
    const parsed = JSON.parse(payload) as AdapterPayload;
    return consumed ? { ...parsed, consumed: Number(consumed) } : parsed;
  }
}
