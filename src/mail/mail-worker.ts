// Runs the outbox: at a fixed interval, and at once when a message is queued. One run at a time
// per instance; the outbox's leases keep instances apart.
import type { Logger } from '../log.js';
import type { Outbox } from './outbox.js';

export interface MailWorker {
  /** Asks for a run soon (coalesced with a run already in progress). */
  kick(): void;
  /** Runs now, after any run in progress (which may have looked before a message was due), and
   * resolves with what this run sent. */
  runOnce(): Promise<number>;
  stop(): Promise<void>;
}

export function startMailWorker(outbox: Outbox, log: Logger, intervalMs = 5_000): MailWorker {
  let running: Promise<number> | undefined;
  let again = false;
  let stopped = false;

  const run = (): Promise<number> => {
    if (running) {
      again = true;
      return running;
    }
    running = outbox.deliverDue()
      .catch((error: unknown) => { log.error({ err: error }, 'mail worker run failed'); return 0; })
      .finally(() => {
        running = undefined;
        if (again && !stopped) { again = false; void run(); }
      });
    return running;
  };

  const timer = setInterval(() => void run(), intervalMs);
  timer.unref();
  return {
    kick: () => { if (!stopped) setImmediate(() => void run()); },
    async runOnce() {
      while (running) await running;
      return run();
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
