// Security-relevant events in the database (SPEC §7). Identifiers only: never an email,
// a password, a token or a code.
import { randomUUID } from 'node:crypto';
import type { DirectSql } from '../storage/direct-sql.js';

export type AuditEventType =
  | 'sign_in.succeeded' | 'sign_in.failed' | 'sign_in.throttled' | 'consent.granted' | 'consent.refused'
  | 'account.created' | 'account.registration_duplicate' | 'account.activation_resent' | 'account.activated'
  | 'account.locked' | 'account.unlocked' | 'captcha.failed'
  | 'password_reset.requested' | 'password_reset.code_failed' | 'password_reset.completed'
  | 'account.email_change_requested' | 'account.email_changed' | 'account.password_changed' | 'password.check_failed'
  | 'account.contact_changed' | 'account.deleted' | 'grant.revoked'
  | 'account.unlocked_by_admin' | 'account.disabled' | 'account.enabled' | 'account.admin_granted' | 'account.admin_revoked'
  | 'client.created' | 'client.updated' | 'client.secret_rotated' | 'client.removed' | 'client.initial_token_issued'
  | 'keys.rotated' | 'session.ended' | 'client.synced' | 'keys.created';

export interface AuditEntry { accountId?: string | null; clientId?: string | null; ip?: string | null; detail?: string | null }

export interface AuditLog {
  record(type: AuditEventType, entry?: AuditEntry): Promise<void>;
}

const INSERT = 'INSERT INTO "AuditEvent" ("id", "type", "createdAt", "accountId", "clientId", "ip", "detail") VALUES (?, ?, ?, ?, ?, ?, ?)';

/** Written with a prepared statement: every sign-in records at least one event. */
export function createAuditLog(sql: DirectSql, now: () => Date, observe: (type: AuditEventType) => void = () => {}): AuditLog {
  return {
    async record(type, entry = {}) {
      observe(type);
      await sql.run(INSERT, [randomUUID(), type, now(), entry.accountId ?? null, entry.clientId ?? null, entry.ip ?? null, entry.detail ?? null]);
    },
  };
}
