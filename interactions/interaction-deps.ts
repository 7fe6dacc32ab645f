import type Provider from 'oidc-provider';
import type { Config } from '../src/config/env.js';
import type { FlowDeps } from '../src/flows/flow-deps.js';

export interface InteractionDeps {
  provider: Provider;
  flows: FlowDeps;
  config: Config;
}
