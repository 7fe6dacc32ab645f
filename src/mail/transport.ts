// Where messages go: the SMTP server of SMTP_URL, or, when unset (development), one .eml file
// per message under DATA_DIR/outbox, each logged so a developer can open the link.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Logger } from '../log.js';

export interface OutgoingMail { from: string; to: string; subject: string; html: string; text: string; messageId: string }

export interface MailTransport {
  deliver(mail: OutgoingMail): Promise<void>;
  close(): void;
}

export function smtpTransport(smtpUrl: string): MailTransport {
  const transporter = nodemailer.createTransport(smtpUrl, { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 } as never);
  return {
    async deliver(mail) {
      await transporter.sendMail(mail);
    },
    close: () => transporter.close(),
  };
}

export function directoryTransport(directory: string, log: Logger): MailTransport {
  const transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async deliver(mail) {
      const info = await transporter.sendMail(mail);
      await mkdir(directory, { recursive: true });
      const file = path.join(directory, `${new Date().toISOString().replace(/[:.]/g, '-')}-${mail.messageId.replace(/[^\w.-]/g, '')}.eml`);
      await writeFile(file, info.message as Buffer, { mode: 0o600 });
      log.info({ file, subject: mail.subject }, 'mail written to the outbox directory (SMTP_URL is not set)');
    },
    close: () => transporter.close(),
  };
}
