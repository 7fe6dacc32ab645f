// Back-channel logout notices (OpenID Connect Back-Channel Logout 1.0) for sessions that end
// outside oidc-provider's own logout: a password reset or change that ends the other sessions,
// "Ma sécurité" ending one, an account disabled or deleted. oidc-provider notifies relying
// parties only from its end-session endpoint; without these notices a service would keep its own
// session open for a citizen whose sessions were ended, on a suspected compromise for instance.
//
// Each relying party the session signed in to and that registered a `backchannel_logout_uri`
// gets a logout token (with the session's `sid` when it asked for it), sent by oidc-provider's
// own `Client#backchannelLogout` through the service's outgoing-request rule (outbound-fetch.ts).
// Sent after the session is gone, without making the citizen wait; a notice that fails is logged.
import type { AdapterPayload } from 'oidc-provider';
import type Provider from 'oidc-provider';
import type { Logger } from '../log.js';

/** What a stored session names: its account, and per relying party the `sid` it was given. */
interface StoredSession {
  accountId?: unknown;
  authorizations?: Record<string, { sid?: unknown } | undefined>;
}

interface NotifiableClient {
  clientId: string;
  backchannelLogoutUri?: string | undefined;
  backchannelLogout(sub: string, sid: string | undefined): Promise<void>;
}

export type LogoutNotices = (endedSessions: readonly AdapterPayload[]) => Promise<void>;

/** Logs a notice that did not reach its relying party (from here, or oidc-provider's `backchannel.error`). */
export const reportMissedNotice = (log: Logger) => (error: unknown, clientId: string): void =>
  log.warn({ err: error, clientId }, 'back-channel logout notice not delivered');

/** Sends the notices for sessions that have ended; resolves once each was sent or failed (and was logged). */
export function logoutNotices(provider: () => Provider, log: Logger): LogoutNotices {
  const missed = reportMissedNotice(log);
  async function notify(accountId: string, clientId: string, sid: string | undefined) {
    const client = await provider().Client.find(clientId) as NotifiableClient | undefined;
    if (client?.backchannelLogoutUri) await client.backchannelLogout(accountId, sid);
  }
  return async (endedSessions) => {
    const notices = endedSessions.flatMap((payload) => {
      const { accountId, authorizations } = payload as StoredSession;
      if (typeof accountId !== 'string' || !authorizations) return [];
      return Object.entries(authorizations).map(([clientId, authorization]) =>
        notify(accountId, clientId, typeof authorization?.sid === 'string' ? authorization.sid : undefined)
          .catch((error: unknown) => missed(error, clientId)));
    });
    await Promise.all(notices);
  };
}
