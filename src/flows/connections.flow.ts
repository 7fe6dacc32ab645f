// "Mes connexions" and "Ma sécurité": where the account signed in, and from which browsers.
// Recorded when oidc-provider issues an authorization code; revocable by the citizen.
import { createHash } from 'node:crypto';
import { FlowError } from '../errors.js';
import type { FlowDeps, RequestContext } from './flow-deps.js';

const sessionKey = (uid: string) => createHash('sha256').update(uid).digest('base64url');

/** "203.0.113.42" → "203.0.113.x"; "2001:db8:1:2::5" → "2001:db8:1::/48": a place, not a person. */
export function approximateAddress(ip: string | undefined): string | null {
  if (!ip) return null;
  const v4 = /(\d+\.\d+\.\d+)\.\d+$/.exec(ip);
  if (v4) return `${v4[1]}.x`;
  const groups = ip.split(':').filter(Boolean).slice(0, 3);
  return groups.length ? `${groups.join(':')}::/48` : null;
}

export interface AuthorizationEvent { accountId: string; clientId: string; sessionUid: string; userAgent?: string; ip?: string }

// Both run on every sign-in: prepared statements, not Prisma (src/storage/direct-sql.ts).
const CONNECTED = `INSERT INTO "ServiceConnection" ("accountId", "clientId", "firstAt", "lastAt") VALUES (?, ?, ?, ?)
  ON CONFLICT ("accountId", "clientId") DO UPDATE SET "lastAt" = excluded."lastAt"`;
const SEEN = `INSERT INTO "SessionActivity" ("sessionKey", "accountId", "userAgent", "ipPrefix", "createdAt", "lastSeenAt") VALUES (?, ?, ?, ?, ?, ?)
  ON CONFLICT ("sessionKey") DO UPDATE SET "userAgent" = excluded."userAgent", "ipPrefix" = excluded."ipPrefix", "lastSeenAt" = excluded."lastSeenAt"`;

export async function recordAuthorization(deps: FlowDeps, event: AuthorizationEvent): Promise<void> {
  const at = deps.now();
  await Promise.all([ // independent: asked for together, they commit together
    deps.sql.run(CONNECTED, [event.accountId, event.clientId, at, at]),
    touchSession(deps, event.accountId, event.sessionUid, event),
  ]);
}

export async function touchSession(deps: FlowDeps, accountId: string, sessionUid: string, seen: { userAgent?: string; ip?: string }): Promise<void> {
  const at = deps.now();
  await deps.sql.run(SEEN, [sessionKey(sessionUid), accountId, seen.userAgent?.slice(0, 512) ?? null, approximateAddress(seen.ip), at, at]);
}

export interface ConnectedService { clientId: string; firstAt: Date; lastAt: Date }

export function connectedServices(deps: FlowDeps, accountId: string, hiddenClientIds: readonly string[]): Promise<ConnectedService[]> {
  return deps.db.serviceConnection.findMany({ where: { accountId, clientId: { notIn: [...hiddenClientIds] } }, orderBy: { lastAt: 'desc' } });
}

/** "Retirer l'accès": the grant and its tokens go; a third-party service asks consent again. */
export async function revokeService(deps: FlowDeps, accountId: string, clientId: string, request: RequestContext): Promise<void> {
  const connection = await deps.db.serviceConnection.findUnique({ where: { accountId_clientId: { accountId, clientId } } });
  if (!connection) throw new FlowError('not_found');
  const grants = (await deps.sessions.grants(accountId)).filter((grant) => grant.clientId === clientId);
  for (const grant of grants) await deps.sessions.revokeGrant(grant.grantId);
  await deps.db.serviceConnection.delete({ where: { accountId_clientId: { accountId, clientId } } });
  await deps.audit.record('grant.revoked', { accountId, clientId, ip: request.ip, detail: `${grants.length} grants` });
}

export interface ActiveSession { uid: string; current: boolean; userAgent: string | null; ipPrefix: string | null; signedInAt: Date | null; lastSeenAt: Date | null }

export async function activeSessions(deps: FlowDeps, accountId: string, currentUid: string): Promise<ActiveSession[]> {
  const sessions = await deps.sessions.list(accountId);
  const activity = await deps.db.sessionActivity.findMany({ where: { accountId } });
  const byKey = new Map(activity.map((row) => [row.sessionKey, row]));
  const live = new Set(sessions.map((s) => sessionKey(s.uid)));
  const stale = activity.filter((row) => !live.has(row.sessionKey)).map((row) => row.sessionKey);
  if (stale.length) await deps.db.sessionActivity.deleteMany({ where: { sessionKey: { in: stale } } });
  return sessions
    .map((session) => {
      const seen = byKey.get(sessionKey(session.uid));
      return {
        uid: session.uid,
        current: session.uid === currentUid,
        userAgent: seen?.userAgent ?? null,
        ipPrefix: seen?.ipPrefix ?? null,
        signedInAt: session.loginTs ? new Date(session.loginTs * 1000) : null,
        lastSeenAt: seen?.lastSeenAt ?? null,
      };
    })
    .sort((a, b) => Number(b.current) - Number(a.current) || (b.lastSeenAt?.getTime() ?? 0) - (a.lastSeenAt?.getTime() ?? 0));
}

export async function endSession(deps: FlowDeps, accountId: string, uid: string, request: RequestContext): Promise<void> {
  if (!(await deps.sessions.end(accountId, uid))) throw new FlowError('not_found');
  await deps.db.sessionActivity.deleteMany({ where: { sessionKey: sessionKey(uid) } });
  await deps.audit.record('session.ended', { accountId, ip: request.ip });
}
