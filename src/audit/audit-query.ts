// Reading the audit log back, for `npm run admin -- audit:tail` and the admin console.
import type { Database } from '../storage/prisma.js';

export interface AuditFilter {
  accountId?: string | undefined;
  clientId?: string | undefined;
  /** An exact type ("sign_in.failed") or a family ("sign_in."). */
  type?: string | undefined;
  since?: Date | undefined;
  until?: Date | undefined;
  limit?: number | undefined;
}

export async function queryAudit(db: Database, filter: AuditFilter) {
  return db.auditEvent.findMany({
    where: {
      ...(filter.accountId ? { accountId: filter.accountId } : {}),
      ...(filter.clientId ? { clientId: filter.clientId } : {}),
      ...(filter.type ? (filter.type.endsWith('.') ? { type: { startsWith: filter.type } } : { type: filter.type }) : {}),
      ...(filter.since || filter.until ? { createdAt: { ...(filter.since ? { gte: filter.since } : {}), ...(filter.until ? { lte: filter.until } : {}) } } : {}),
    },
    orderBy: { createdAt: 'desc' },
    take: Math.min(Math.max(filter.limit ?? 50, 1), 1000),
  });
}

/** "2026-11-25T10:00:00Z", "2026-11-25", or a duration back from now: "15m", "2h", "7d". */
export function parseSince(value: string, now: Date): Date | undefined {
  const relative = /^(\d+)([mhd])$/.exec(value.trim());
  if (relative) return new Date(now.getTime() - Number(relative[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[relative[2] as 'm' | 'h' | 'd']);
  const absolute = new Date(value);
  return Number.isNaN(absolute.getTime()) ? undefined : absolute;
}
