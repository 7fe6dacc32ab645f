// Operator commands. Each takes parsed arguments and the services, returns text to print, or
// throws UsageError (exit code 2). No Koa, no HTTP: the same functions can back the console.
import { randomBytes } from 'node:crypto';
import { createAccount, findAccountByEmail } from '../accounts/account.repository.js';
import { looksLikeEmail } from '../accounts/email.js';
import type { PasswordHasher } from '../accounts/password-hasher.js';
import type { AuditLog } from '../audit/audit-log.js';
import { parseClients, type ClientMetadata } from '../config/clients.js';
import type { Database } from '../storage/prisma.js';

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface AdminServices {
  db: Database;
  now: () => Date;
  passwords: PasswordHasher;
  audit: AuditLog;
  readPassword: () => Promise<string>;
  /** Validates a client with oidc-provider's own rules before it is stored. */
  validateClient: (metadata: ClientMetadata) => Promise<void>;
  saveClient: (metadata: ClientMetadata) => Promise<void>;
}

function requireEmail(value: string | undefined): string {
  if (!value) throw new UsageError('an email address is required');
  if (!looksLikeEmail(value)) throw new UsageError(`not an email address: ${value}`);
  return value;
}

export async function createUser(services: AdminServices, emailArg: string | undefined): Promise<string> {
  const email = requireEmail(emailArg);
  if (await findAccountByEmail(services.db, email)) throw new UsageError(`an account already exists for ${email}`);
  const password = await services.readPassword();
  if (password.length < 8 || password.length > 256) throw new UsageError('the password must have 8 to 256 characters');
  const account = await createAccount(services.db, { email, passwordHash: await services.passwords.hash(password), status: 'active', emailVerifiedAt: services.now() });
  await services.audit.record('account.created', { accountId: account.id, detail: 'cli' });
  return `created active account ${account.id}`;
}

export async function setAdmin(services: AdminServices, emailArg: string | undefined, isAdmin: boolean): Promise<string> {
  const email = requireEmail(emailArg);
  const account = await findAccountByEmail(services.db, email);
  if (!account) throw new UsageError(`no account for ${email}`);
  await services.db.account.update({ where: { id: account.id }, data: { isAdmin } });
  return isAdmin ? `granted the admin role to ${account.id}` : `revoked the admin role from ${account.id}`;
}

export interface ClientAddOptions {
  name?: string | undefined;
  redirectUris: string[];
  postLogoutUris: string[];
  clientUri?: string | undefined;
  firstParty: boolean;
  public: boolean;
  json: boolean;
}

export async function addClient(services: AdminServices, options: ClientAddOptions): Promise<string> {
  if (!options.name) throw new UsageError('--name is required');
  if (options.redirectUris.length === 0) throw new UsageError('at least one --redirect-uri is required');
  const clientId = randomBytes(12).toString('base64url');
  const clientSecret = options.public ? undefined : randomBytes(32).toString('base64url');
  const entry = {
    client_id: clientId,
    ...(clientSecret ? { client_secret: clientSecret } : {}),
    client_name: options.name,
    redirect_uris: options.redirectUris,
    post_logout_redirect_uris: options.postLogoutUris,
    ...(options.clientUri ? { client_uri: options.clientUri } : {}),
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: options.public ? 'none' : 'client_secret_basic',
    first_party: options.firstParty,
  };
  let metadata: ClientMetadata;
  try {
    [metadata] = parseClients(JSON.stringify([entry]), 'client') as [ClientMetadata];
    await services.validateClient(metadata);
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/^client: /, ''));
  }
  await services.saveClient(metadata);
  await services.audit.record('client.synced', { clientId, detail: 'cli client:add' });
  if (options.json) return JSON.stringify({ client_id: clientId, ...(clientSecret ? { client_secret: clientSecret } : {}) });
  return [`client_id:     ${clientId}`, ...(clientSecret ? [`client_secret: ${clientSecret}   (shown once: store it now)`] : [])].join('\n');
}
