// Turns a pending consent prompt into a grant of everything it asks for. Used by "Autoriser"
// and, without showing a page, for first-party clients (SPEC §4).
import type Provider from 'oidc-provider';
import type { Interaction } from './finish-interaction.js';

/**
 * `first_party`, an extra metadata property (provider.ts), is kept on the client under its own
 * name. Read directly: `client.metadata()` rebuilds every property, snake-cased, on each call.
 */
export const isFirstPartyClient = (client: object | undefined): boolean =>
  (client as { first_party?: unknown } | undefined)?.first_party === true;

export async function grantRequestedAccess(provider: Provider, details: Interaction): Promise<{ consent: { grantId?: string } }> {
  const accountId = details.session?.accountId;
  if (!accountId) throw new Error('consent without a signed-in session');
  const existing = details.grantId ? await provider.Grant.find(details.grantId) : undefined;
  const grant = existing ?? new provider.Grant({ accountId, clientId: String(details.params['client_id']) });
  const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  const grantId = await grant.save();
  // An existing grant is modified in place; a new one is handed to the provider.
  return { consent: existing ? {} : { grantId } };
}
