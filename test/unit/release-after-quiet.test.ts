// releaseAfterQuiet (src/ops/freed-memory.ts): the freed memory goes back once the wrapped work
// has paused for the quiet period, never while some of it runs or waits, and once per pause.
import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { releaseAfterQuiet } from '../../src/ops/freed-memory.js';

const QUIET = 1_000;

/** A piece of work the test finishes by hand. */
function work() {
  let finish!: () => void;
  let fail!: (error: Error) => void;
  const done = new Promise<void>((resolve, reject) => { finish = resolve; fail = reject; });
  return { run: () => done, finish, fail };
}

describe('releaseAfterQuiet', () => {
  let release: jest.Mock<() => Promise<boolean>>;
  let quietly: ReturnType<typeof releaseAfterQuiet>;
  beforeEach(() => {
    jest.useFakeTimers();
    release = jest.fn(() => Promise.resolve(true));
    quietly = releaseAfterQuiet(release, QUIET);
  });
  afterEach(() => { jest.useRealTimers(); });

  test('happy path: once the last work ends and the quiet period passes, the memory is released once', async () => {
    const first = work();
    const second = work();
    const running = [quietly(first.run), quietly(second.run)];
    first.finish();
    await running[0];
    await jest.advanceTimersByTimeAsync(QUIET * 3);
    expect(release).not.toHaveBeenCalled(); // the second still runs

    second.finish();
    await running[1];
    await jest.advanceTimersByTimeAsync(QUIET - 1);
    expect(release).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(1);
    expect(release).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(QUIET * 5);
    expect(release).toHaveBeenCalledTimes(1);
  });

  test('work that starts during the quiet period postpones the release to its own end', async () => {
    const first = work();
    const running = quietly(first.run);
    first.finish();
    await running;
    await jest.advanceTimersByTimeAsync(QUIET / 2);

    const second = work();
    const again = quietly(second.run);
    await jest.advanceTimersByTimeAsync(QUIET);
    expect(release).not.toHaveBeenCalled();
    second.finish();
    await again;
    await jest.advanceTimersByTimeAsync(QUIET);
    expect(release).toHaveBeenCalledTimes(1);
  });

  test('sad path: failed work still ends its turn, keeps its error, and a failed release is swallowed', async () => {
    release.mockImplementation(() => Promise.reject(new Error('no glibc today')));
    const failing = work();
    const running = quietly(failing.run);
    failing.fail(new Error('hash failed'));
    await expect(running).rejects.toThrow('hash failed');
    await jest.advanceTimersByTimeAsync(QUIET);
    expect(release).toHaveBeenCalledTimes(1);
    await expect(quietly(() => Promise.resolve('next'))).resolves.toBe('next');
  });
});
