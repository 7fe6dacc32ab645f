// The Redis adapter most oidc-provider deployments start from: the design of the library's own
// example (example/adapters/redis.js in its repository), written again here for `npm run bench --
// --pg --durable-redis reference`, to measure Passerelle's Redis adapter against it under the same
// library. Its layout: each payload a JSON string under `<Model>:<id>` (a hash with a `consumed`
// field for the models that are consumed), identifiers in clear, a grant's tokens in a list,
// pointer keys `uid:<uid>` and `userCode:<code>`. Each lookup is a round trip of its own (a uid's
// two), each write a MULTI, plus a TTL read before a grantable model's. Bench code: it is not what
// the service runs, and it keeps identifiers in clear, which the specification forbids.
import type { Redis } from 'ioredis';
import type { Adapter, AdapterPayload } from 'oidc-provider';

const GRANTABLE = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest']);
const CONSUMABLE = new Set(['AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest']);

const grantKey = (grantId: string) => `grant:${grantId}`;

export class ReferenceRedisAdapter implements Adapter {
  constructor(private readonly model: string, private readonly redis: Redis) {}

  #key(id: string) {
    return `${this.model}:${id}`;
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const key = this.#key(id);
    const multi = this.redis.multi();
    if (CONSUMABLE.has(this.model)) multi.hset(key, 'payload', JSON.stringify(payload));
    else multi.set(key, JSON.stringify(payload));
    if (expiresIn) multi.expire(key, expiresIn);
    if (GRANTABLE.has(this.model) && payload.grantId) {
      const grant = grantKey(payload.grantId);
      multi.rpush(grant, key);
      // The grant's list lives as long as its longest-lived token.
      const ttl = await this.redis.ttl(grant);
      if (expiresIn && expiresIn > ttl) multi.expire(grant, expiresIn);
    }
    for (const [pointer, value] of [['userCode', payload.userCode], ['uid', payload.uid]] as const) {
      if (!value) continue;
      multi.set(`${pointer}:${value}`, id);
      if (expiresIn) multi.expire(`${pointer}:${value}`, expiresIn);
    }
    await multi.exec();
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    const key = this.#key(id);
    if (!CONSUMABLE.has(this.model)) {
      const stored = await this.redis.get(key);
      return stored === null ? undefined : JSON.parse(stored) as AdapterPayload;
    }
    const { payload, consumed } = await this.redis.hgetall(key);
    if (payload === undefined) return undefined;
    return { ...JSON.parse(payload) as AdapterPayload, ...(consumed ? { consumed: Number(consumed) } : {}) };
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    const id = await this.redis.get(`uid:${uid}`);
    return id === null ? undefined : this.find(id);
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    const id = await this.redis.get(`userCode:${userCode}`);
    return id === null ? undefined : this.find(id);
  }

  async consume(id: string): Promise<void> {
    await this.redis.hset(this.#key(id), 'consumed', Math.floor(Date.now() / 1000));
  }

  async destroy(id: string): Promise<void> {
    await this.redis.del(this.#key(id));
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    const tokens = await this.redis.lrange(grantKey(grantId), 0, -1);
    await this.redis.multi().del(...tokens, grantKey(grantId)).exec();
  }
}
