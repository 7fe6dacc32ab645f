// The worker's scheduling, over an outbox whose runs the test finishes by hand: runOnce() is a
// run that starts after the call, never the end of one that looked before the message was due.
import { describe, expect, test } from '@jest/globals';
import { createLogger } from '../../src/log.js';
import type { Outbox } from '../../src/mail/outbox.js';
import { startMailWorker } from '../../src/mail/mail-worker.js';

/** deliverDue() reports how many messages were due when the run began; runs end on finish(). */
function manualOutbox() {
  let due = 0;
  const pending: Array<() => void> = [];
  const outbox: Outbox = {
    send: async () => undefined,
    deliverDue: () => {
      const sent = due;
      due = 0;
      return new Promise((resolve) => pending.push(() => resolve(sent)));
    },
  };
  return {
    outbox,
    queue: (count: number) => { due += count; },
    runsInProgress: () => pending.length,
    /** Ends the oldest run not yet ended. */
    finish: async () => { pending.shift()?.(); await new Promise((resolve) => setImmediate(resolve)); },
  };
}

describe('mail worker', () => {
  test('runOnce during a run waits for it, then runs again and reports that run', async () => {
    const box = manualOutbox();
    const worker = startMailWorker(box.outbox, createLogger('silent'), 60_000);
    worker.kick();
    await new Promise((resolve) => setImmediate(resolve));
    expect(box.runsInProgress()).toBe(1); // the kicked run, which found nothing due

    box.queue(1); // a message becomes due while that run is under way
    const result = worker.runOnce();
    await box.finish();
    await box.finish();
    expect(await result).toBe(1);
    await worker.stop();
  });

  test('kicks during a run are coalesced into one more run', async () => {
    const box = manualOutbox();
    const worker = startMailWorker(box.outbox, createLogger('silent'), 60_000);
    worker.kick();
    await new Promise((resolve) => setImmediate(resolve));
    worker.kick();
    worker.kick();
    await new Promise((resolve) => setImmediate(resolve));
    expect(box.runsInProgress()).toBe(1);
    await box.finish();
    expect(box.runsInProgress()).toBe(1); // the one follow-up run
    await box.finish();
    expect(box.runsInProgress()).toBe(0);
    await worker.stop();
  });
});
