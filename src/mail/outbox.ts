// The durable mail queue. `send` renders the message and stores it sealed (it may hold a
// link) before anything goes on the wire; `deliverDue` claims due messages with a lease, so
// several instances never send one twice, retries failures with exponential backoff, and wipes
// the body once the message is sent.
import { randomUUID } from 'node:crypto';
import type { Logger } from '../log.js';
import type { SealedBox } from '../security/sealed-box.js';
import { digestOf } from '../security/secret-values.js';
import type { Database } from '../storage/prisma.js';
import type { SmsTransport } from '../sms/sms-transport.js';
import type { MailRenderer, MailRequest, Mailer, RenderedMail } from './mail-types.js';
import type { MailTransport } from './transport.js';

export const MAX_ATTEMPTS = 30;
const LEASE_MS = 2 * 60 * 1000;
const BATCH = 20;

/** 5 s, 10 s, 20 s… capped at one hour: about a day of retries before giving up. */
export const retryDelayMs = (attempts: number): number => Math.min(5_000 * 2 ** Math.max(0, attempts - 1), 60 * 60 * 1000);

export interface OutboxDeps {
  db: Database;
  now: () => Date;
  render: MailRenderer;
  box: SealedBox;
  transport: MailTransport;
  sms: SmsTransport;
  from: string;
  messageIdDomain: string;
  log: Logger;
}

export interface Outbox extends Mailer {
  /** Sends what is due now; returns how many messages went out. */
  deliverDue(): Promise<number>;
}

export function createOutbox(deps: OutboxDeps, onQueued: () => void = () => {}): Outbox {
  const { db, now, log } = deps;

  async function deliverOne(id: string): Promise<boolean> {
    const claimedAt = now();
    const claim = await db.outboxMessage.updateMany({
      where: { id, status: 'pending', OR: [{ lockedUntil: null }, { lockedUntil: { lte: claimedAt } }] },
      data: { lockedUntil: new Date(claimedAt.getTime() + LEASE_MS) },
    });
    if (claim.count !== 1) return false; // another instance has it
    const message = await db.outboxMessage.findUniqueOrThrow({ where: { id } });
    try {
      const body = JSON.parse(deps.box.open(message.sealedBody!)) as RenderedMail;
      if (message.channel === 'sms') await deps.sms.deliver({ to: message.recipient, text: body.text, messageId: message.id });
      else await deps.transport.deliver({ from: deps.from, to: message.recipient, ...body, messageId: `<${message.id}@${deps.messageIdDomain}>` });
    } catch (error) {
      const attempts = message.attempts + 1;
      const givingUp = attempts >= MAX_ATTEMPTS;
      await db.outboxMessage.update({
        where: { id },
        data: {
          attempts,
          status: givingUp ? 'failed' : 'pending',
          nextAttemptAt: new Date(now().getTime() + retryDelayMs(attempts)),
          lockedUntil: null,
          lastError: String((error as Error).message ?? error).slice(0, 500),
          ...(givingUp ? { sealedBody: null } : {}),
        },
      });
      log[givingUp ? 'error' : 'warn']({ err: error, messageId: id, attempts, template: message.template }, givingUp ? 'mail abandoned' : 'mail delivery failed, will retry');
      return false;
    }
    await db.outboxMessage.update({
      where: { id },
      // Once sent, neither the body nor the address is kept: only a digest, to answer "was it sent?".
      data: { status: 'sent', sentAt: now(), attempts: message.attempts + 1, sealedBody: null, recipient: digestOf(message.recipient.toLowerCase()), lockedUntil: null, lastError: null },
    });
    return true;
  }

  return {
    async send(request: MailRequest) {
      const rendered = await deps.render(request.template, request.locale, request.data);
      await db.outboxMessage.create({
        data: {
          id: randomUUID(),
          channel: request.channel ?? 'email',
          template: request.template,
          recipient: request.to,
          sealedBody: deps.box.seal(JSON.stringify(rendered)),
          nextAttemptAt: now(),
          createdAt: now(),
        },
      });
      onQueued();
    },
    async deliverDue() {
      const due = await db.outboxMessage.findMany({
        where: { status: 'pending', nextAttemptAt: { lte: now() }, OR: [{ lockedUntil: null }, { lockedUntil: { lte: now() } }] },
        orderBy: { nextAttemptAt: 'asc' },
        select: { id: true },
        take: BATCH,
      });
      let sent = 0;
      for (const { id } of due) if (await deliverOne(id)) sent += 1;
      return sent;
    },
  };
}
