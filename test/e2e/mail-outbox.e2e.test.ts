// The durable outbox (issue 3 §7): mail queued while the SMTP server is down goes out once it is
// back, exactly once; what waits in the table is sealed, and wiped once sent.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { availableBackends } from '../support/backends.js';
import { Browser, visibleText } from '../support/browser.js';
import { HOUR, MINUTE, TestClock } from '../support/clock.js';
import { uniqueEmail } from '../support/factories.js';
import { linkIn, MailCatcher } from '../support/mail-catcher.js';
import { serverForSuite } from '../support/suite.js';
import { createTestStorage, freePort, startTestServer, type TestServer, type TestStorage } from '../support/test-server.js';

const backends = await availableBackends();
const PASSWORD = 'Lagon-Bleu-2026';

async function register(server: TestServer, email: string) {
  const browser = new Browser(server.url);
  const { page } = await browser.open('/register');
  return browser.fill(page, '/register', { email, emailConfirm: email, password: PASSWORD, passwordConfirm: PASSWORD, acceptTerms: 'yes' });
}

describe.each(backends)('mail outbox on %s', (backend) => {
  let storage: TestStorage;
  let server: TestServer;
  let mail: MailCatcher;
  const clock = new TestClock();

  beforeAll(async () => {
    mail = MailCatcher.down(await freePort());
    storage = await createTestStorage(backend);
    // A long interval: the test decides when the worker runs.
    server = await startTestServer(storage, { env: { SMTP_URL: mail.url }, overrides: { now: clock.now, mailIntervalMs: HOUR } });
  });

  afterAll(async () => {
    await server?.stop();
    await storage?.dispose();
    await mail?.stop();
  });

  test('SMTP down during registration: the account exists, the mail arrives once the server is back, exactly once', async () => {
    const email = uniqueEmail();
    const { page } = await register(server, email);
    expect(visibleText(page.html)).toContain('Veuillez activer votre compte');
    expect((await server.deps.db.account.findUniqueOrThrow({ where: { emailNormalized: email } })).status).toBe('pending');

    await server.deps.mailWorker.runOnce();
    const queued = await server.deps.db.outboxMessage.findFirstOrThrow({ where: { recipient: email } });
    expect(queued.status).toBe('pending');
    expect(queued.attempts).toBeGreaterThanOrEqual(1);
    expect(queued.lastError).toBeTruthy();
    expect(queued.sealedBody).not.toContain('activate');

    await mail.up();
    // Not yet due: the backoff holds it back.
    await server.deps.mailWorker.runOnce();
    expect(mail.to(email)).toHaveLength(0);
    clock.advance(10 * MINUTE);
    expect(await server.deps.mailWorker.runOnce()).toBe(1);
    const message = await mail.waitFor(email);
    expect(linkIn(message, `${server.issuer}/activate?token=`)).toMatch(/token=[\w-]{43}$/);

    clock.advance(2 * HOUR);
    await server.deps.mailWorker.runOnce();
    await server.deps.mailWorker.runOnce();
    expect(mail.to(email)).toHaveLength(1);
    const sent = await server.deps.db.outboxMessage.findUniqueOrThrow({ where: { id: queued.id } });
    expect(sent.status).toBe('sent');
    expect(sent.sealedBody).toBeNull();
  });

  test('two workers racing over one message send it once', async () => {
    const email = uniqueEmail();
    await register(server, email);
    await Promise.all([server.deps.outbox.deliverDue(), server.deps.outbox.deliverDue(), server.deps.mailWorker.runOnce()]);
    await mail.waitFor(email);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(mail.to(email)).toHaveLength(1);
  });
});

describe('without SMTP_URL, mail goes to DATA_DIR/outbox', () => {
  const suite = serverForSuite('sqlite');

  test('one .eml per message, with an HTML part and a plain-text part holding the link', async () => {
    const email = uniqueEmail();
    await register(suite.server, email);
    await suite.server.deps.mailWorker.runOnce();
    const dir = path.join(suite.storage.env['DATA_DIR']!, 'outbox');
    const files = readdirSync(dir).filter((f) => f.endsWith('.eml'));
    expect(files).toHaveLength(1);
    const eml = readFileSync(path.join(dir, files[0]!), 'utf8');
    expect(eml).toContain(`To: ${email}`);
    expect(eml).toContain('Content-Type: text/plain');
    expect(eml).toContain('Content-Type: text/html');
  });
});
