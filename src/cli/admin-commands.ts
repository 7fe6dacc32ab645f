// Operator commands: each takes parsed arguments, uses the same modules as the admin console,
// and returns the text to print, or throws UsageError (exit code 2). No Koa, no HTTP.
import { createAccount, findAccountByEmail } from '../accounts/account.repository.js';
import { looksLikeEmail } from '../accounts/email.js';
import { parseSince, queryAudit } from '../audit/audit-query.js';
import { ClientAdminError, createClient, issueInitialAccessToken, listClients, removeClient, rotateClientSecret, updateClient, type ClientAdminDeps, type ClientInput } from '../clients/client-admin.js';
import type { Deps } from '../deps.js';
import { FlowError } from '../errors.js';
import { accountByEmail, deleteBySupport, disableBySupport, enableBySupport, findAccounts, setAdminRole, unlockBySupport } from '../flows/account-support.flow.js';
import { listSigningKeys, rotateSigningKeys } from '../oidc/signing-keys.js';

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface CommandInput {
  args: string[];
  values: Record<string, string | string[] | boolean | undefined>;
  deps: Deps;
  readPassword: () => Promise<string>;
}

export interface Command {
  usage: string;
  summary: string;
  run(input: CommandInput): Promise<string>;
}

const BY = 'cli';

function requireEmail(value: string | undefined): string {
  if (!value) throw new UsageError('an email address is required');
  if (!looksLikeEmail(value)) throw new UsageError(`not an email address: ${value}`);
  return value;
}

async function account(input: CommandInput) {
  const email = requireEmail(input.args[0]);
  try {
    return await accountByEmail(input.deps.flows, email);
  } catch (error) {
    if (error instanceof FlowError) throw new UsageError(`no account for ${email}`);
    throw error;
  }
}

function requireArg(value: string | undefined, what: string): string {
  if (!value) throw new UsageError(`${what} is required`);
  return value;
}

const clientDeps = (deps: Deps): ClientAdminDeps => ({ db: deps.db, now: deps.flows.now, audit: deps.flows.audit, provider: () => deps.provider, clients: deps.clients, storedClients: deps.storedClients });

async function asUsage<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof ClientAdminError) throw new UsageError(error.message);
    throw error;
  }
}

function clientInput(values: CommandInput['values']): ClientInput {
  const list = (name: string) => values[name] as string[] | undefined;
  return {
    name: values['name'] as string | undefined,
    redirectUris: list('redirect-uri'),
    postLogoutUris: list('post-logout-uri'),
    clientUri: values['client-uri'] as string | undefined,
    firstParty: values['first-party'] ? true : values['third-party'] ? false : undefined,
    public: values['public'] === true,
  };
}

function adminRoleCommand(isAdmin: boolean): Command {
  return {
    usage: `user:${isAdmin ? 'grant' : 'revoke'}-admin <email>`,
    summary: isAdmin ? 'give the admin role' : 'take the admin role away',
    async run(input) {
      const target = await account(input);
      await setAdminRole(input.deps.flows, target, isAdmin, BY);
      return isAdmin ? `granted the admin role to ${target.id}` : `revoked the admin role from ${target.id}`;
    },
  };
}

const date = (value: Date | null) => (value ? value.toISOString() : '-');

export const COMMANDS: Record<string, Command> = {
  'user:find': {
    usage: 'user:find <email or part of it>',
    summary: 'accounts whose address contains the text: id, status, last sign-in',
    async run({ args, deps }) {
      const found = await findAccounts(deps.flows, requireArg(args[0], 'a search text'));
      if (found.length === 0) return 'no account found';
      return found.map((a) => [a.id, a.email, a.status, a.isAdmin ? 'admin' : '-', `last sign-in ${date(a.lastLoginAt)}`].join('  ')).join('\n');
    },
  },
  'user:create': {
    usage: 'user:create <email>',
    summary: 'create an active account; the password is read from standard input',
    async run({ args, deps, readPassword }) {
      const email = requireEmail(args[0]);
      if (await findAccountByEmail(deps.flows.sql, email)) throw new UsageError(`an account already exists for ${email}`);
      const password = await readPassword();
      if (password.length < 8 || password.length > 256) throw new UsageError('the password must have 8 to 256 characters');
      const created = await createAccount(deps.db, { email, passwordHash: await deps.flows.passwords.hash(password), status: 'active', emailVerifiedAt: deps.flows.now() });
      await deps.flows.audit.record('account.created', { accountId: created.id, detail: BY });
      return `created active account ${created.id}`;
    },
  },
  'user:unlock': {
    usage: 'user:unlock <email>',
    summary: 'lift a lockout',
    async run(input) {
      return (await unlockBySupport(input.deps.flows, await account(input), BY)) ? 'unlocked' : 'the account was not locked';
    },
  },
  'user:disable': {
    usage: 'user:disable <email>',
    summary: 'forbid sign-in; end its sessions and revoke its grants and tokens',
    async run(input) {
      await disableBySupport(input.deps.flows, await account(input), BY);
      return 'disabled';
    },
  },
  'user:enable': {
    usage: 'user:enable <email>',
    summary: 'allow a disabled account to sign in again',
    async run(input) {
      return (await enableBySupport(input.deps.flows, await account(input), BY)) ? 'enabled' : 'the account was not disabled';
    },
  },
  'user:delete': {
    usage: 'user:delete <email> --yes',
    summary: 'erase the account (sessions, grants, tokens, personal data); a goodbye email is sent',
    async run(input) {
      const target = await account(input);
      if (input.values['yes'] !== true) throw new UsageError('user:delete erases the account for good: add --yes to confirm');
      await deleteBySupport(input.deps.flows, target, BY);
      await input.deps.mailWorker.runOnce();
      return `deleted ${target.id}`;
    },
  },
  'user:grant-admin': adminRoleCommand(true),
  'user:revoke-admin': adminRoleCommand(false),
  'client:list': {
    usage: 'client:list [--json]',
    summary: 'the relying parties',
    async run({ deps, values }) {
      const clients = await listClients(clientDeps(deps));
      if (values['json']) return JSON.stringify(clients);
      return clients.map((c) => [c.clientId, c.name, c.firstParty ? 'first-party' : 'third-party', c.public ? 'public' : 'confidential', c.redirectUris.join(' ')].join('  ')).join('\n') || 'no client';
    },
  },
  'client:add': {
    usage: 'client:add --name <name> --redirect-uri <uri> [--redirect-uri <uri>...] [--post-logout-uri <uri>] [--client-uri <uri>] [--first-party] [--public] [--json]',
    summary: 'register a relying party, usable at once; --json prints {"client_id", "client_secret"} (no secret with --public)',
    async run({ deps, values }) {
      const input = clientInput(values);
      if (!input.name) throw new UsageError('--name is required');
      if (!input.redirectUris?.length) throw new UsageError('at least one --redirect-uri is required');
      const { client, secret } = await asUsage(createClient(clientDeps(deps), input, BY));
      if (values['json']) return JSON.stringify({ client_id: client.clientId, ...(secret ? { client_secret: secret } : {}) });
      return [`client_id:     ${client.clientId}`, ...(secret ? [`client_secret: ${secret}   (shown once: store it now)`] : [])].join('\n');
    },
  },
  'client:update': {
    usage: 'client:update <client_id> [--name <name>] [--redirect-uri <uri>...] [--post-logout-uri <uri>...] [--client-uri <uri>] [--first-party | --third-party]',
    summary: 'change a relying party; the lists given replace the stored ones',
    async run({ args, deps, values }) {
      const client = await asUsage(updateClient(clientDeps(deps), requireArg(args[0], 'a client_id'), { ...clientInput(values), public: undefined }, BY));
      return `updated ${client.clientId}`;
    },
  },
  'client:rotate-secret': {
    usage: 'client:rotate-secret <client_id> [--json]',
    summary: 'a new secret replaces the old one at once (shown once)',
    async run({ args, deps, values }) {
      const clientId = requireArg(args[0], 'a client_id');
      const secret = await asUsage(rotateClientSecret(clientDeps(deps), clientId, BY));
      return values['json'] ? JSON.stringify({ client_id: clientId, client_secret: secret }) : `client_secret: ${secret}   (shown once: store it now)`;
    },
  },
  'client:remove': {
    usage: 'client:remove <client_id>',
    summary: 'delete a relying party (its tokens stop working)',
    async run({ args, deps }) {
      const clientId = requireArg(args[0], 'a client_id');
      await asUsage(removeClient(clientDeps(deps), clientId, BY));
      return `removed ${clientId}`;
    },
  },
  'client:initial-token': {
    usage: 'client:initial-token [--expires-in <seconds>]',
    summary: 'an initial access token for dynamic client registration (DYNAMIC_REGISTRATION=true)',
    async run({ deps, values }) {
      const seconds = Number(values['expires-in'] ?? 24 * 3600);
      if (!Number.isInteger(seconds) || seconds < 60 || seconds > 90 * 24 * 3600) throw new UsageError('--expires-in must be a number of seconds between 60 and 7776000');
      if (!deps.config.DYNAMIC_REGISTRATION) throw new UsageError('dynamic registration is off: set DYNAMIC_REGISTRATION=true first');
      return issueInitialAccessToken(clientDeps(deps), seconds, BY);
    },
  },
  'keys:list': {
    usage: 'keys:list',
    summary: 'the signing keys: next (published, not signing yet), active, retired (published until)',
    async run({ deps }) {
      return (await listSigningKeys(deps.db)).map((k) => [k.kid, k.alg, k.state, k.retireAt ? `until ${k.retireAt.toISOString()}` : ''].join('  ').trim()).join('\n');
    },
  },
  'keys:rotate': {
    usage: 'keys:rotate',
    summary: 'the next keys start signing, the active ones are retired, new next keys are published',
    async run({ deps }) {
      if (deps.config.JWKS_FILE) throw new UsageError('the keys come from JWKS_FILE: rotate them in that file');
      const { activated, retired } = await rotateSigningKeys(deps.db, deps.flows.now);
      await deps.flows.audit.record('keys.rotated', { detail: `${BY}: active ${activated.join(',')}` });
      return [`now signing: ${activated.join(', ')}`, `retired (still published for 24 hours): ${retired.join(', ')}`, 'every instance picks the new keys up within 30 seconds'].join('\n');
    },
  },
  'audit:tail': {
    usage: 'audit:tail [--account <email or id>] [--client <client_id>] [--type <type or family.>] [--since <15m|2h|7d|ISO date>] [--limit <n>] [--json]',
    summary: 'the latest audit events, newest first',
    async run({ deps, values }) {
      const accountArg = values['account'] as string | undefined;
      const accountId = accountArg && looksLikeEmail(accountArg) ? (await findAccountByEmail(deps.flows.sql, accountArg))?.id ?? 'none' : accountArg;
      const since = values['since'] ? parseSince(String(values['since']), deps.flows.now()) : undefined;
      if (values['since'] && !since) throw new UsageError('--since must be like 15m, 2h, 7d or an ISO date');
      const limit = values['limit'] ? Number(values['limit']) : 50;
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new UsageError('--limit must be between 1 and 1000');
      const events = await queryAudit(deps.db, { accountId, clientId: values['client'] as string | undefined, type: values['type'] as string | undefined, since, limit });
      if (values['json']) return events.map((e) => JSON.stringify(e)).join('\n');
      return events.map((e) => [e.createdAt.toISOString(), e.type, e.accountId ?? '-', e.clientId ?? '-', e.ip ?? '-', e.detail ?? ''].join('  ').trim()).join('\n') || 'no event';
    },
  },
};

export function helpText(): string {
  const groups: Array<[string, string]> = [['Accounts', 'user:'], ['Clients', 'client:'], ['Signing keys', 'keys:'], ['Audit', 'audit:']];
  const lines = ['Usage: npm run admin -- <command> [options]', ''];
  for (const [title, prefix] of groups) {
    lines.push(title);
    for (const [name, command] of Object.entries(COMMANDS).filter(([n]) => n.startsWith(prefix))) {
      lines.push(`  ${command.usage}`, `      ${command.summary}`);
      void name;
    }
    lines.push('');
  }
  lines.push('  --help      this text', '', 'Exit codes: 0 done, 1 failure, 2 bad usage.');
  return lines.join('\n');
}
