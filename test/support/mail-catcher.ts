// A real SMTP server in the test process (smtp-server), with every message parsed by mailparser.
import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export class MailCatcher {
  readonly messages: ParsedMail[] = [];
  #server: SMTPServer | undefined;
  #waiters: Array<() => void> = [];

  private constructor(readonly port: number) {}

  static async start(port = 0): Promise<MailCatcher> {
    const catcher = new MailCatcher(port);
    await catcher.#listen(port);
    return catcher;
  }

  /** Binds a catcher to a port without listening yet: "the SMTP server is down". */
  static down(port: number): MailCatcher {
    return new MailCatcher(port);
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async up(): Promise<void> {
    await this.#listen(this.port);
  }

  async #listen(port: number) {
    this.#server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData: (stream, _session, callback) => {
        simpleParser(stream).then((mail) => {
          this.messages.push(mail);
          for (const wake of this.#waiters.splice(0)) wake();
          callback();
        }, callback);
      },
    });
    await new Promise<void>((resolve, reject) => this.#server!.listen(port, '127.0.0.1', () => resolve()).once('error', reject));
    (this as { port: number }).port = (this.#server.server.address() as AddressInfo).port;
  }

  /** Messages sent to an address (case-insensitive), oldest first. */
  to(address: string): ParsedMail[] {
    const wanted = address.toLowerCase();
    return this.messages.filter((m) => [m.to].flat().some((to) => to?.value.some((v) => v.address?.toLowerCase() === wanted)));
  }

  /** Resolves once `done()` holds, re-checking at each arrival (and every 200 ms). */
  async #until(done: () => boolean, timeoutMs: number, failure: () => string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(failure());
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }

  /** Waits until `count` messages have reached the address; returns the last one. */
  async waitFor(address: string, count = 1, timeoutMs = 10_000): Promise<ParsedMail> {
    await this.#until(() => this.to(address).length >= count, timeoutMs, () => `expected ${count} message(s) to ${address}, got ${this.to(address).length}`);
    return this.to(address)[count - 1]!;
  }

  /**
   * Runs `action`, then waits for a message to the address holding a line that starts with
   * `prefix` and is newer than any before: the answer does not depend on delivery order.
   */
  async nextLine(address: string, prefix: string | RegExp, action: () => Promise<unknown>, timeoutMs = 10_000): Promise<string> {
    const matching = () => this.to(address).flatMap((mail) => (mail.text ?? '').split('\n').map((l) => l.trim())
      .filter((l) => (typeof prefix === 'string' ? l.startsWith(prefix) : prefix.test(l))));
    const before = matching().length;
    await action();
    await this.#until(() => matching().length > before, timeoutMs, () => `no new line matching ${String(prefix)} for ${address}`);
    return matching().at(-1)!;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** The link of a message's plain-text part that starts with the given URL prefix. */
export function linkIn(mail: ParsedMail, prefix: string): string {
  const line = (mail.text ?? '').split('\n').map((l) => l.trim()).find((l) => l.startsWith(prefix));
  if (!line) throw new Error(`no line starting with ${prefix} in:\n${mail.text}`);
  return line;
}

/** The 6-digit code of a reset message (a line holding only six digits). */
export function codeIn(mail: ParsedMail): string {
  const line = (mail.text ?? '').split('\n').map((l) => l.trim()).find((l) => /^\d{6}$/.test(l));
  if (!line) throw new Error(`no code in:\n${mail.text}`);
  return line;
}
