// `npm run admin -- <command>`: the operator CLI. Exit codes: 0 done, 1 failure, 2 bad usage.
import { parseArgs } from 'node:util';
import { ClientsFileError } from '../config/clients.js';
import { ConfigError, loadConfig } from '../config/env.js';
import { createDeps } from '../deps.js';
import { createLogger } from '../log.js';
import { userInterface } from '../app.js';
import { applyMigrations } from '../storage/migrations.js';
import { COMMANDS, helpText, UsageError } from './admin-commands.js';
import { readSecret } from './read-secret.js';

async function run(argv: string[]): Promise<string> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: 'boolean' },
      json: { type: 'boolean' },
      yes: { type: 'boolean' },
      name: { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      'post-logout-uri': { type: 'string', multiple: true },
      'client-uri': { type: 'string' },
      'first-party': { type: 'boolean' },
      'third-party': { type: 'boolean' },
      public: { type: 'boolean' },
      'expires-in': { type: 'string' },
      account: { type: 'string' },
      client: { type: 'string' },
      type: { type: 'string' },
      since: { type: 'string' },
      limit: { type: 'string' },
    },
  });
  const [name, ...args] = positionals;
  if (values.help || !name) return helpText();
  const command = COMMANDS[name];
  if (!command) throw new UsageError(`unknown command "${name}" (npm run admin -- --help)`);

  const config = loadConfig();
  await applyMigrations(config.DATABASE_URL);
  // Logs go to standard error: standard output is the command's answer (e.g. --json).
  const deps = await createDeps(config, userInterface, { log: createLogger(config.LOG_LEVEL, process.stderr) });
  try {
    return await command.run({ args, values, deps, readPassword: () => readSecret('Password: ') });
  } finally {
    await deps.close();
  }
}

try {
  const output = await run(process.argv.slice(2));
  // Exit once the answer is written: idle database pool timers must not hold the shell for seconds.
  process.stdout.write(`${output}\n`, () => process.exit(0));
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
