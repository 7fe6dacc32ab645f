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
  /** Tells every instance's client cache that a client changed. */
  clientsChanged(clientId: string): Promise<void>;
}
