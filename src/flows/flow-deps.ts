import type { OneTimeTokenDeps } from '../accounts/one-time-tokens.js';
import type { PasswordHasher } from '../accounts/password-hasher.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Logger } from '../log.js';
import type { Mailer } from '../mail/mail-types.js';
import type { AccountSessions } from '../oidc/account-sessions.js';
import type { Captcha } from '../security/captcha.js';
import type { Throttles } from '../security/throttles.js';
import type { DirectSql } from '../storage/direct-sql.js';
import type { Database } from '../storage/prisma.js';

/** Rules an operator sets (SPEC §3). */
export interface AccountPolicy {
  lockoutThreshold: number;
  lockoutMinutes: number;
}

/** Absolute links for emails, on the issuer's origin (SPEC §5). */
export type PublicLink = (path: string, query?: Record<string, string>) => string;

/** What every flow may use; built once by the composition root (src/deps.ts). */
export interface FlowDeps {
  db: Database;
  /** Prepared statements for what every sign-in writes (src/storage/direct-sql.ts). */
  sql: DirectSql;
  now: () => Date;
  passwords: PasswordHasher;
  audit: AuditLog;
  log: Logger;
  mailer: Mailer;
  tokens: OneTimeTokenDeps;
  throttles: Throttles;
  captcha: Captcha;
  sessions: AccountSessions;
  policy: AccountPolicy;
  link: PublicLink;
}

/** Who is asking: for audit events, throttles and the language of emails. */
export interface RequestContext {
  ip?: string;
  clientId?: string;
  locale?: string;
}
