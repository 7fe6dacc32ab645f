// Relying-party administration shared by the CLI and the admin console: list, create, update,
// remove, rotate the secret. Secrets are generated here and returned once; every change is
// validated by oidc-provider's own rules before it is stored, and audited.
import { randomBytes } from 'node:crypto';
import type { Adapter } from 'oidc-provider';
import type Provider from 'oidc-provider';
import type { AuditLog } from '../audit/audit-log.js';
import { parseClients, type ClientMetadata } from '../config/clients.js';
import { ACCOUNT_CONSOLE_CLIENT_ID } from '../oidc/account-console.js';
import type { Database } from '../storage/prisma.js';
import { saveClient, validateClientMetadata } from './client-registry.js';

export class ClientAdminError extends Error {
  override name = 'ClientAdminError';
}

export interface ClientAdminDeps {
  db: Database;
  now: () => Date;
  audit: AuditLog;
  provider: () => Provider;
  /** The Client store (`Deps.clients`): writes through it reach every instance's cache. */
  clients: Adapter;
  /** The same store uncached (`Deps.storedClients`). */
  storedClients: Adapter;
}

export interface ClientInput {
  name?: string | undefined;
  redirectUris?: string[] | undefined;
  postLogoutUris?: string[] | undefined;
  clientUri?: string | undefined;
  firstParty?: boolean | undefined;
  public?: boolean | undefined;
}

export interface ClientSummary { clientId: string; name: string; redirectUris: string[]; postLogoutUris: string[]; clientUri?: string; firstParty: boolean; public: boolean; internal: boolean }

const newSecret = () => randomBytes(32).toString('base64url');

function summaryOf(metadata: ClientMetadata): ClientSummary {
  return {
    clientId: metadata.client_id,
    name: String(metadata['client_name'] ?? metadata.client_id),
    redirectUris: (metadata['redirect_uris'] as string[] | undefined) ?? [],
    postLogoutUris: (metadata['post_logout_redirect_uris'] as string[] | undefined) ?? [],
    ...(typeof metadata['client_uri'] === 'string' ? { clientUri: metadata['client_uri'] } : {}),
    firstParty: metadata['first_party'] === true,
    public: metadata['token_endpoint_auth_method'] === 'none',
    internal: metadata.client_id === ACCOUNT_CONSOLE_CLIENT_ID,
  };
}

/** Read from the database, never a cache: an edit is merged into what is stored now. */
async function storedMetadata(deps: ClientAdminDeps, clientId: string): Promise<ClientMetadata> {
  const found = await deps.storedClients.find(clientId);
  if (!found) throw new ClientAdminError(`no client "${clientId}"`);
  return found as unknown as ClientMetadata;
}

async function store(deps: ClientAdminDeps, metadata: ClientMetadata): Promise<ClientMetadata> {
  let checked: ClientMetadata;
  try {
    [checked] = parseClients(JSON.stringify([metadata]), 'client') as [ClientMetadata];
    await validateClientMetadata(deps.provider(), checked, `client "${metadata.client_id}"`);
  } catch (error) {
    throw new ClientAdminError((error as Error).message.replace(/^client: /, ''));
  }
  await saveClient(deps.clients, checked);
  return checked;
}

export async function listClients(deps: ClientAdminDeps): Promise<ClientSummary[]> {
  const rows = await deps.db.oidcPayload.findMany({ where: { type: 'Client' }, select: { payload: true } });
  return rows.map((row) => summaryOf(JSON.parse(row.payload) as ClientMetadata)).sort((a, b) => a.name.localeCompare(b.name));
}

export async function getClient(deps: ClientAdminDeps, clientId: string): Promise<ClientSummary> {
  return summaryOf(await storedMetadata(deps, clientId));
}

export async function createClient(deps: ClientAdminDeps, input: ClientInput, by: string): Promise<{ client: ClientSummary; secret?: string }> {
  if (!input.name?.trim()) throw new ClientAdminError('a name is required');
  if (!input.redirectUris?.length) throw new ClientAdminError('at least one redirect URI is required');
  // Hex, not base64url: an id may be typed after a CLI command, and one starting with '-' would
  // read as an option (it did: `client:update -X…`).
  const clientId = randomBytes(12).toString('hex');
  const secret = input.public ? undefined : newSecret();
  const metadata = await store(deps, {
    client_id: clientId,
    ...(secret ? { client_secret: secret } : {}),
    client_name: input.name.trim(),
    redirect_uris: input.redirectUris,
    post_logout_redirect_uris: input.postLogoutUris ?? [],
    ...(input.clientUri ? { client_uri: input.clientUri } : {}),
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: input.public ? 'none' : 'client_secret_basic',
    first_party: input.firstParty ?? false,
  });
  await deps.audit.record('client.created', { clientId, detail: by });
  return { client: summaryOf(metadata), ...(secret ? { secret } : {}) };
}

export async function updateClient(deps: ClientAdminDeps, clientId: string, input: ClientInput, by: string): Promise<ClientSummary> {
  const current = await storedMetadata(deps, clientId);
  const metadata = await store(deps, {
    ...current,
    ...(input.name !== undefined ? { client_name: input.name.trim() } : {}),
    ...(input.redirectUris !== undefined ? { redirect_uris: input.redirectUris } : {}),
    ...(input.postLogoutUris !== undefined ? { post_logout_redirect_uris: input.postLogoutUris } : {}),
    ...(input.clientUri !== undefined ? (input.clientUri ? { client_uri: input.clientUri } : { client_uri: undefined }) : {}),
    ...(input.firstParty !== undefined ? { first_party: input.firstParty } : {}),
  });
  await deps.audit.record('client.updated', { clientId, detail: by });
  return summaryOf(metadata);
}

export async function rotateClientSecret(deps: ClientAdminDeps, clientId: string, by: string): Promise<string> {
  const current = await storedMetadata(deps, clientId);
  if (current['token_endpoint_auth_method'] === 'none') throw new ClientAdminError(`client "${clientId}" is public: it has no secret`);
  const secret = newSecret();
  const { client_secret_env: _fromEnv, ...rest } = current as ClientMetadata & { client_secret_env?: string };
  await store(deps, { ...rest, client_secret: secret });
  await deps.audit.record('client.secret_rotated', { clientId, detail: by });
  return secret;
}

export async function removeClient(deps: ClientAdminDeps, clientId: string, by: string): Promise<void> {
  if (clientId === ACCOUNT_CONSOLE_CLIENT_ID) throw new ClientAdminError('the account console\'s own client cannot be removed');
  await storedMetadata(deps, clientId);
  await deps.clients.destroy(clientId);
  await deps.db.serviceConnection.deleteMany({ where: { clientId } });
  await deps.audit.record('client.removed', { clientId, detail: by });
}

export async function issueInitialAccessToken(deps: ClientAdminDeps, expiresInSeconds: number, by: string): Promise<string> {
  const provider = deps.provider();
  const token = await new provider.InitialAccessToken({ expiresIn: expiresInSeconds }).save();
  await deps.audit.record('client.initial_token_issued', { detail: `${by}, ${expiresInSeconds}s` });
  return token;
}
