// `npm run admin -- <command>`: the operator CLI. Exit codes: 0 done, 1 failure, 2 bad usage.
import { parseArgs } from 'node:util';
import { ClientsFileError } from '../config/clients.js';
import { ConfigError, loadConfig } from '../config/env.js';
import { createDeps } from '../deps.js';
import { userInterface } from '../app.js';
import { saveClient, validateClientMetadata } from '../clients/client-registry.js';
import { applyMigrations } from '../storage/migrations.js';
import { addClient, createUser, setAdmin, UsageError, type AdminServices } from './admin-commands.js';
import { readSecret } from './read-secret.js';

const HELP = `Usage: npm run admin -- <command> [options]

Accounts
  user:create <email>          create an active account; the password is read from standard input
  user:grant-admin <email>     give the admin role
  user:revoke-admin <email>    take the admin role away

Clients
  client:add --name <name> --redirect-uri <uri> [--redirect-uri <uri>...]
             [--post-logout-uri <uri>] [--client-uri <uri>] [--first-party] [--public] [--json]
                               register a relying party; usable at once, without a restart.
                               --json prints {"client_id", "client_secret"} (no secret with --public)

  --help                       this text
`;

async function run(argv: string[]): Promise<string> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: 'boolean' },
      name: { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      'post-logout-uri': { type: 'string', multiple: true },
      'client-uri': { type: 'string' },
      'first-party': { type: 'boolean' },
      public: { type: 'boolean' },
      json: { type: 'boolean' },
    },
  });
  const [command, ...args] = positionals;
  if (values.help || !command) return HELP;
  const known = ['user:create', 'user:grant-admin', 'user:revoke-admin', 'client:add'];
  if (!known.includes(command)) throw new UsageError(`unknown command "${command}" (npm run admin -- --help)`);

  const config = loadConfig();
  await applyMigrations(config.DATABASE_URL);
  const deps = await createDeps(config, userInterface, { log: undefined });
  try {
    const services: AdminServices = {
      db: deps.db,
      now: deps.flows.now,
      passwords: deps.flows.passwords,
      audit: deps.flows.audit,
      readPassword: () => readSecret('Password: '),
      validateClient: (metadata) => validateClientMetadata(deps.provider, metadata, `client "${metadata.client_id}"`),
      saveClient: (metadata) => saveClient(deps.db, deps.flows.now, metadata),
    };
    switch (command) {
      case 'user:create': return await createUser(services, args[0]);
      case 'user:grant-admin': return await setAdmin(services, args[0], true);
      case 'user:revoke-admin': return await setAdmin(services, args[0], false);
      default: return await addClient(services, {
        name: values.name,
        redirectUris: values['redirect-uri'] ?? [],
        postLogoutUris: values['post-logout-uri'] ?? [],
        clientUri: values['client-uri'],
        firstParty: values['first-party'] ?? false,
        public: values.public ?? false,
        json: values.json ?? false,
      });
    }
  } finally {
    await deps.close();
  }
}

try {
  console.log(await run(process.argv.slice(2)));
} catch (error) {
  if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    console.error(`error: ${(error as Error).message}`);
    process.exit(2);
  }
  if (error instanceof ConfigError || error instanceof ClientsFileError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
