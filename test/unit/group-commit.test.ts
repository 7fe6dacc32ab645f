import { describe, expect, test } from '@jest/globals';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { groupCommit, type CommitBatch } from '../../src/storage/group-commit.js';

/** A storage that records the batches it is handed and settles each write as `settle` says. */
function recordingStorage(settle: (write: string) => PromiseSettledResult<string> = (write) => ({ status: 'fulfilled', value: `${write} stored` })) {
  const batches: string[][] = [];
  const commit: CommitBatch<string, string> = async (batch) => {
    batches.push(batch);
    return batch.map(settle);
  };
  return { batches, writes: groupCommit(commit) };
}

describe('group commit', () => {
  test('the writes of one turn go to the storage as one batch, in the order they were asked for', async () => {
    const { batches, writes } = recordingStorage();
    const first = [writes.write('a'), writes.write('b'), writes.write('c')];
    expect(batches).toEqual([]); // nothing before the turn ends
    expect(await Promise.all(first)).toEqual(['a stored', 'b stored', 'c stored']);
    await writes.write('d');
    expect(batches).toEqual([['a', 'b', 'c'], ['d']]);
  });

  test('each write gets its own outcome: one refused write does not fail the others', async () => {
    const { writes } = recordingStorage((write) => write === 'bad' ? { status: 'rejected', reason: new Error('constraint') } : { status: 'fulfilled', value: write });
    const outcomes = await Promise.allSettled([writes.write('good'), writes.write('bad'), writes.write('also good')]);
    expect(outcomes).toEqual([
      { status: 'fulfilled', value: 'good' },
      { status: 'rejected', reason: new Error('constraint') },
      { status: 'fulfilled', value: 'also good' },
    ]);
  });

  test('a batch that fails to commit fails every write in it, and the next batch still commits', async () => {
    let failNext = true;
    const writes = groupCommit<string, string>(async (batch) => {
      if (failNext) { failNext = false; throw new Error('disk full'); }
      return batch.map((value) => ({ status: 'fulfilled', value }));
    });
    const failed = await Promise.allSettled([writes.write('a'), writes.write('b')]);
    expect(failed.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    expect(await writes.write('c')).toBe('c');
  });

  test('one batch commits at a time: writes asked for meanwhile wait and go together in the next', async () => {
    const handedOver: string[][] = [];
    let releaseFirst!: () => void;
    const firstCommitting = new Promise<void>((resolve) => { releaseFirst = resolve; });
    const writes = groupCommit<string, string>(async (batch) => {
      handedOver.push(batch);
      if (handedOver.length === 1) await firstCommitting;
      return batch.map((value) => ({ status: 'fulfilled', value }));
    });
    const first = writes.write('a');
    await nextTurn();
    const later = [writes.write('b')];
    await nextTurn();
    later.push(writes.write('c'));
    await nextTurn();
    expect(handedOver).toEqual([['a']]);
    releaseFirst();
    expect(await Promise.all([first, ...later])).toEqual(['a', 'b', 'c']);
    expect(handedOver).toEqual([['a'], ['b', 'c']]);
  });

  test('drained() hands over what waits without waiting for the turn to end, and settles it', async () => {
    const { batches, writes } = recordingStorage();
    const pending = writes.write('last');
    await writes.drained();
    expect(batches).toEqual([['last']]);
    await expect(pending).resolves.toBe('last stored');
    await nextTurn();
    expect(batches).toEqual([['last']]); // the turn's end finds nothing left to hand over
  });
});
