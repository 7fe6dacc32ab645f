// Where text messages go: a generic HTTP webhook (SMS_WEBHOOK_URL: POST {"to", "text"} as JSON,
// with SMS_WEBHOOK_TOKEN as a bearer token when set), the shape most SMS gateways accept behind
// a small adapter; or, by default, one .txt file per message under DATA_DIR/sms-outbox.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../log.js';

export interface OutgoingSms { to: string; text: string; messageId: string }

export interface SmsTransport {
  deliver(sms: OutgoingSms): Promise<void>;
}

export function webhookSmsTransport(url: string, token: string | undefined): SmsTransport {
  return {
    async deliver(sms) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': sms.messageId, ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ to: sms.to, text: sms.text, id: sms.messageId }),
        signal: AbortSignal.timeout(10_000),
      });
      if (!response.ok) throw new Error(`SMS webhook answered ${response.status}`);
    },
  };
}

export function directorySmsTransport(directory: string, log: Logger): SmsTransport {
  return {
    async deliver(sms) {
      await mkdir(directory, { recursive: true });
      const file = path.join(directory, `${new Date().toISOString().replace(/[:.]/g, '-')}-${sms.messageId}.txt`);
      await writeFile(file, `To: ${sms.to}\n\n${sms.text}\n`, { mode: 0o600 });
      log.info({ file }, 'SMS written to the outbox directory (SMS_WEBHOOK_URL is not set)');
    },
  };
}
