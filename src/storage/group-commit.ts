// Group commit: the writes asked for during one turn of the event loop are handed to the storage
// together when the turn ends, so that it can commit them in one transaction. Under load the
// requests in flight each reach their next write in the same turn; one commit for all of them
// writes each shared page (the end of the table, of the expiry index) once instead of once per
// write. Nothing is acknowledged before its batch has committed. One batch commits at a time, its
// writes in the order they were asked for; what is asked for meanwhile goes in the next.

/** Commits a batch; resolves to one outcome per write, in order, or rejects for the whole batch. */
export type CommitBatch<Write, Result> = (batch: Write[]) => Promise<Array<PromiseSettledResult<Result>>>;

export interface GroupCommit<Write, Result> {
  /** Resolves once the write's batch has committed. */
  write(write: Write): Promise<Result>;
  /** Resolves once every write asked for so far has been committed or has failed. */
  drained(): Promise<void>;
}

interface Waiting<Write, Result> { write: Write; resolve(result: Result): void; reject(reason: unknown): void }

export function groupCommit<Write, Result>(commit: CommitBatch<Write, Result>): GroupCommit<Write, Result> {
  let waiting: Array<Waiting<Write, Result>> = [];
  let committing: Promise<void> | undefined;

  /** Hands what waits to the storage, unless a batch is committing: what waits then goes next. */
  const commitWaiting = (): Promise<void> => {
    if (committing || waiting.length === 0) return committing ?? Promise.resolve();
    const batch = waiting;
    waiting = [];
    committing = commit(batch.map((entry) => entry.write)).then(
      (outcomes) => outcomes.forEach((outcome, i) => outcome.status === 'fulfilled' ? batch[i]!.resolve(outcome.value) : batch[i]!.reject(outcome.reason)),
      (reason: unknown) => batch.forEach((entry) => entry.reject(reason)),
    ).finally(() => {
      committing = undefined;
      void commitWaiting();
    });
    return committing;
  };

  return {
    write: (write) => new Promise<Result>((resolve, reject) => {
      if (waiting.length === 0) setImmediate(commitWaiting);
      waiting.push({ write, resolve, reject });
    }),
    async drained() {
      while (committing || waiting.length > 0) await commitWaiting();
    },
  };
}
