// The live oidc-provider instance. oidc-provider reads its keys once, at construction; when the
// signing keys change (a rotation from the CLI, the console or another instance), the holder
// builds a new provider over the same stores, so sessions, grants and tokens carry on and no
// instance needs a restart. Every instance polls the key set, so all of them follow.
import type Provider from 'oidc-provider';
import type { Logger } from '../log.js';
import type { KeySet, SigningJwk } from './signing-keys.js';

export interface ProviderHolder {
  readonly current: Provider;
  /** Reloads the key set now; resolves true when the provider was rebuilt. */
  refresh(): Promise<boolean>;
  stop(): void;
}

export async function holdProvider(options: {
  load: () => Promise<KeySet>;
  build: (keys: SigningJwk[]) => Provider;
  log: Logger;
  intervalMs: number;
}): Promise<ProviderHolder> {
  let keySet = await options.load();
  let current = options.build(keySet.keys);
  let refreshing: Promise<boolean> | undefined;

  async function reload(): Promise<boolean> {
    const next = await options.load();
    if (next.version === keySet.version) return false;
    current = options.build(next.keys);
    keySet = next;
    options.log.info({ keys: next.version }, 'signing keys changed: provider rebuilt');
    return true;
  }

  const refresh = () => (refreshing ??= reload().finally(() => { refreshing = undefined; }));
  const timer = setInterval(() => {
    refresh().catch((error: unknown) => options.log.error({ err: error }, 'could not reload the signing keys'));
  }, options.intervalMs);
  timer.unref();

  return {
    get current() { return current; },
    refresh,
    stop: () => clearInterval(timer),
  };
}
