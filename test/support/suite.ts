// One Passerelle per test suite: started before the suite's tests, stopped and wiped after.
// With `mail: true`, a real SMTP server catches what the provider sends.
import { afterAll, beforeAll } from '@jest/globals';
import type { Backend } from './backends.js';
import { MailCatcher } from './mail-catcher.js';
import { createTestStorage, startTestServer, type TestServer, type TestServerOptions, type TestStorage } from './test-server.js';

export interface SuiteServer {
  readonly server: TestServer;
  readonly storage: TestStorage;
  readonly mail: MailCatcher;
}

export type SuiteOptions = TestServerOptions & { mail?: boolean };

/** `options` may be a function, read when the suite starts (e.g. to use a port opened before). */
export function serverForSuite(backend: Backend, optionsOrLater: SuiteOptions | (() => SuiteOptions) = {}): SuiteServer {
  let server: TestServer | undefined;
  let storage: TestStorage | undefined;
  let mail: MailCatcher | undefined;

  beforeAll(async () => {
    const options = typeof optionsOrLater === 'function' ? optionsOrLater() : optionsOrLater;
    if (options.mail) mail = await MailCatcher.start();
    storage = await createTestStorage(backend);
    server = await startTestServer(storage, { ...options, env: { ...(mail ? { SMTP_URL: mail.url } : {}), ...options.env } });
  });

  afterAll(async () => {
    await server?.stop();
    await storage?.dispose();
    await mail?.stop();
  });

  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not started (used outside a test?)`);
    return value;
  };
  return {
    get server() { return ready(server, 'server'); },
    get storage() { return ready(storage, 'storage'); },
    get mail() { return ready(mail, 'mail catcher (pass mail: true)'); },
  };
}
