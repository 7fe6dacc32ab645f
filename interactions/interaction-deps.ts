import type { Adapter } from 'oidc-provider';
import type Provider from 'oidc-provider';
import type { Config } from '../src/config/env.js';
import type { FlowDeps } from '../src/flows/flow-deps.js';
import type { SignedTickets } from '../src/security/signed-ticket.js';

export interface InteractionDeps {
  provider: Provider;
  flows: FlowDeps;
  config: Config;
  /** Proof, handed to the browser, that an account was just activated for an interaction. */
  activationTickets: SignedTickets;
  /** Rebuilds the provider after a key rotation on this instance (others follow within 30 s). */
  reloadKeys(): Promise<boolean>;
  /** The Client store: writes through it reach every instance's client cache. */
  clients: Adapter;
  /** The same store uncached: what the console merges an edit into. */
  storedClients: Adapter;
}
