import type { PasswordHasher } from '../accounts/password-hasher.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Logger } from '../log.js';
import type { Database } from '../storage/prisma.js';

/** What every flow may use; built once by the composition root (src/deps.ts). */
export interface FlowDeps {
  db: Database;
  now: () => Date;
  passwords: PasswordHasher;
  audit: AuditLog;
  log: Logger;
}
