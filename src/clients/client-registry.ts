// Clients live in the database (oidc-provider's Client model through our adapter), so a client
// added from the CLI works at once on every instance. clients.json is applied at start: the file
// wins for the client ids it lists; other clients are left alone.
import type { Adapter } from 'oidc-provider';
import type Provider from 'oidc-provider';
import { ClientsFileError, type ClientMetadata } from '../config/clients.js';

export async function validateClientMetadata(provider: Provider, metadata: ClientMetadata, label: string): Promise<void> {
  try {
    await provider.Client.validate(metadata as Parameters<Provider['Client']['validate']>[0]);
  } catch (error) {
    const description = (error as { error_description?: string }).error_description ?? (error as Error).message;
    throw new ClientsFileError(`${label}: ${description}`);
  }
}

/** `clients` is the process's Client store (`Deps.clients`): the write is announced to every cache. */
export async function saveClient(clients: Adapter, metadata: ClientMetadata): Promise<void> {
  await clients.upsert(metadata.client_id, metadata);
}

/** Validates every client first, then writes them all: a bad file changes nothing. */
export async function applyClientsFile(provider: Provider, store: Adapter, clients: ClientMetadata[], file: string): Promise<void> {
  for (const client of clients) await validateClientMetadata(provider, client, `${file}: client "${client.client_id}"`);
  for (const client of clients) await saveClient(store, client);
}
