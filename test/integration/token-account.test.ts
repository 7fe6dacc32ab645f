// A token's account is read with the token, in the same SQL statement, and answers the
// provider's `findAccount` that follows in the same request (src/oidc/token-account.ts): what
// it answers must be what a lookup would have found then, and nothing read for one request may
// answer another, or a lookup after a write.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
// The AsyncLocalStorage behind `Provider.ctx`: running inside it is running inside a request.
import providerRequest from 'oidc-provider/lib/helpers/als.js';
import { createAccount, findAccountClaims } from '../../src/accounts/account.repository.js';
import { SqlAdapter } from '../../src/oidc/adapters/sql-adapter.js';
import { storageKey } from '../../src/oidc/adapters/stored-payload.js';
import { tokenAccountClaims } from '../../src/oidc/token-account.js';
import { openDirectSql, type DirectSql } from '../../src/storage/direct-sql.js';
import { applyMigrations } from '../../src/storage/migrations.js';
import { createDatabase, type Database } from '../../src/storage/prisma.js';
import { availableBackends } from '../support/backends.js';
import { readsDuring } from '../support/statements.js';
import { createTestStorage, type TestStorage } from '../support/test-server.js';

const backends = (await availableBackends()).map((backend) => backend === 'sqlite' ? 'sqlite' : 'postgresql');
const inRequest = <T>(work: () => Promise<T>): Promise<T> => providerRequest.run({}, work);
const id = () => randomBytes(32).toString('base64url');

describe.each(backends)("a token's account, read with the token on %s", (backend) => {
  let storage: TestStorage;
  let db: Database;
  let sql: DirectSql;

  beforeAll(async () => {
    storage = await createTestStorage(backend === 'sqlite' ? 'sqlite' : 'postgresql+redis');
    await applyMigrations(storage.env['DATABASE_URL']!);
    db = createDatabase(storage.env['DATABASE_URL']!);
    sql = openDirectSql(storage.env['DATABASE_URL']!);
  });
  afterAll(async () => {
    await sql.close();
    await db.$disconnect();
    await storage.dispose();
  });

  const adapter = (model: string) => new SqlAdapter(model, sql, () => new Date());

  /** An active account, a grant of its and an access token under that grant, stored. */
  async function issued() {
    const account = await createAccount(db, { email: `${id().slice(0, 12)}@example.nc`, passwordHash: 'x', status: 'active', emailVerifiedAt: new Date() });
    const [grantId, jti] = [id(), id()];
    const iat = Math.floor(Date.now() / 1000);
    await adapter('Grant').upsert(grantId, { jti: grantId, iat, exp: iat + 60, kind: 'Grant', accountId: account.id, clientId: 'c1' }, 60);
    await adapter('AccessToken').upsert(jti, { jti, iat, exp: iat + 60, kind: 'AccessToken', accountId: account.id, clientId: 'c1', grantId }, 60);
    return { account, grantId, jti };
  }

  test('happy path: the account is what a lookup finds, and costs no statement of its own', async () => {
    const { account, jti } = await issued();
    const expected = await findAccountClaims(sql, account.id);
    expect(expected).toMatchObject({ id: account.id, email: account.email, status: 'active' });
    let found;
    const statements = await readsDuring(sql, () => inRequest(async () => {
      await adapter('AccessToken').find(jti);
      found = await tokenAccountClaims(sql, account.id);
    }));
    expect(found).toEqual(expected);
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatch(/LEFT JOIN "Account" a /);
  });

  test('sad path: a change to the account shows in the next request', async () => {
    const { account, jti } = await issued();
    await inRequest(async () => {
      await adapter('AccessToken').find(jti);
      expect(await tokenAccountClaims(sql, account.id)).toMatchObject({ status: 'active' });
    });
    await db.account.update({ where: { id: account.id }, data: { status: 'disabled' } });
    await inRequest(async () => {
      await adapter('AccessToken').find(jti);
      expect(await tokenAccountClaims(sql, account.id)).toMatchObject({ status: 'disabled' });
    });
  });

  test('sad path: an account gone when the token was read is not found, without a second look', async () => {
    const { account, jti } = await issued();
    await db.account.delete({ where: { id: account.id } });
    let found;
    const statements = await readsDuring(sql, () => inRequest(async () => {
      await adapter('AccessToken').find(jti);
      found = await tokenAccountClaims(sql, account.id);
    }));
    expect(found).toBeUndefined();
    expect(statements).toHaveLength(1);
  });

  test('performance: a token row names no account (only sessions and grants are looked up by account); its grant does', async () => {
    const { account, grantId, jti } = await issued();
    const accountOf = async (type: string, key: string) =>
      (await db.oidcPayload.findUniqueOrThrow({ where: { type_id: { type, id: storageKey(key) } }, select: { accountId: true } })).accountId;
    expect(await accountOf('AccessToken', jti)).toBeNull();
    expect(await accountOf('Grant', grantId)).toBe(account.id);
  });

  test('sad path: a token whose grant is gone reads no account ahead; the lookup finds it', async () => {
    const { account, grantId, jti } = await issued();
    await adapter('Grant').destroy(grantId);
    const statements = await readsDuring(sql, () => inRequest(async () => {
      await adapter('AccessToken').find(jti);
      expect(await tokenAccountClaims(sql, account.id)).toMatchObject({ id: account.id });
    }));
    expect(statements.filter((text) => /^SELECT .* FROM "Account"/.test(text))).toHaveLength(1);
  });

  test('sad path: after a write through an adapter, or for another account, the account is looked up', async () => {
    const { account, jti } = await issued();
    const other = await issued();
    const statements = await readsDuring(sql, () => inRequest(async () => {
      await adapter('AccessToken').find(jti);
      // Read ahead for `account`, never for another id.
      expect(await tokenAccountClaims(sql, other.account.id)).toMatchObject({ id: other.account.id });
      await adapter('RefreshToken').consume(id());
      expect(await tokenAccountClaims(sql, account.id)).toMatchObject({ id: account.id });
    }));
    expect(statements).toEqual([expect.stringMatching(/LEFT JOIN "Account"/), expect.stringMatching(/^SELECT .* FROM "Account"/), expect.stringMatching(/^SELECT .* FROM "Account"/)]);
  });

  test('sad path: outside a request, or a token with no account (client credentials), the account is looked up', async () => {
    const { account, jti } = await issued();
    const statements = await readsDuring(sql, async () => {
      await adapter('AccessToken').find(jti);
      expect(await tokenAccountClaims(sql, account.id)).toMatchObject({ id: account.id });
      const machine = id();
      const iat = Math.floor(Date.now() / 1000);
      await adapter('ClientCredentials').upsert(machine, { jti: machine, iat, exp: iat + 60, kind: 'ClientCredentials', clientId: 'c1' }, 60);
      await inRequest(async () => {
        expect(await adapter('ClientCredentials').find(machine)).toMatchObject({ clientId: 'c1' });
        expect(await tokenAccountClaims(sql, account.id)).toMatchObject({ id: account.id });
      });
    });
    expect(statements.filter((text) => /^SELECT .* FROM "Account"/.test(text))).toHaveLength(2);
  });
});
