// clients.json: the relying parties declared by the operator. Validated whole at start; the first
// problem stops the start with one line naming the client and the field (issue #2, SPEC §4).
import { readFile } from 'node:fs/promises';
import { z } from 'zod';

const webUrl = z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' });

const ClientEntry = z.looseObject({
  client_id: z.string({ error: 'is required' }).regex(/^[A-Za-z0-9._~-]{1,128}$/, { error: 'must be 1 to 128 letters, digits or ._~-' }),
  client_secret: z.string().min(32, { error: 'must be at least 32 characters (openssl rand -hex 32)' }).optional(),
  /** Name of an environment variable holding the secret, so the file can be committed without it. */
  client_secret_env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, { error: 'must name an environment variable' }).optional(),
  client_name: z.string().min(1).max(200).optional(),
  client_uri: webUrl.optional(),
  redirect_uris: z.array(webUrl).optional(),
  post_logout_redirect_uris: z.array(webUrl).optional(),
  grant_types: z.array(z.enum(['authorization_code', 'refresh_token', 'client_credentials'], { error: 'must be authorization_code, refresh_token or client_credentials' })).min(1).optional(),
  response_types: z.array(z.enum(['code'], { error: 'only "code" is supported' })).optional(),
  token_endpoint_auth_method: z.enum(['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none'], { error: 'is not a supported method' }).optional(),
  subject_type: z.enum(['public', 'pairwise'], { error: 'must be public or pairwise' }).optional(),
  backchannel_logout_uri: webUrl.optional(),
  backchannel_logout_session_required: z.boolean({ error: 'must be true or false' }).optional(),
  first_party: z.boolean({ error: 'must be true or false' }).optional(),
});

export type ClientMetadata = z.infer<typeof ClientEntry> & Record<string, unknown>;

export class ClientsFileError extends Error {
  override name = 'ClientsFileError';
}

/** Parses the clients file; `env` resolves `client_secret_env` references. */
export function parseClients(text: string, file: string, env: NodeJS.ProcessEnv = process.env): ClientMetadata[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ClientsFileError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(raw)) throw new ClientsFileError(`${file}: expected an array of client objects`);
  const seen = new Set<string>();
  return raw.map((entry, index) => {
    const label = `${file}: client ${typeof entry?.client_id === 'string' ? `"${entry.client_id}"` : `#${index + 1}`}`;
    const result = ClientEntry.safeParse(entry);
    if (!result.success) {
      const issue = result.error.issues[0]!;
      const field = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : p)).join('.').replace('.[', '[') || '(entry)';
      throw new ClientsFileError(`${label}: ${field} ${issue.message}`);
    }
    const { client_secret_env: secretEnv, ...metadata } = result.data;
    if (seen.has(metadata.client_id)) throw new ClientsFileError(`${label}: client_id is used twice`);
    seen.add(metadata.client_id);
    if (secretEnv) {
      const secret = env[secretEnv];
      if (!secret) throw new ClientsFileError(`${label}: client_secret_env names ${secretEnv}, which is not set`);
      metadata.client_secret = secret;
    }
    return metadata as ClientMetadata;
  });
}

export async function readClientsFile(file: string, env: NodeJS.ProcessEnv = process.env): Promise<ClientMetadata[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new ClientsFileError(`${file}: cannot be read (${(error as Error).message})`);
  }
  return parseClients(text, file, env);
}
