// Running model calls together: at most n at once, and no call outliving a failed run.

/** Resolves every promise, or rejects with the first failure once all have settled: no call outlives the run. */
export async function settleAll<T extends readonly unknown[]>(promises: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(promises);
  const failure = settled.find((r) => r.status === 'rejected');
  if (failure) throw (failure as PromiseRejectedResult).reason;
  return settled.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

/** A function that runs a task under the limit. */
export type Limit = <T>(task: () => Promise<T>) => Promise<T>;

/** At most `n` tasks at once; after a task fails, queued ones are not started. */
export function semaphore(n: number): Limit {
  let active = 0;
  let failed: unknown;
  const queue: (() => void)[] = [];
  const release = (): void => {
    active--;
    queue.shift()?.();
  };
  return <T>(task: () => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const start = (): void => {
        if (failed !== undefined) {
          reject(failed);
          queue.shift()?.();
          return;
        }
        active++;
        task().then(
          (v) => {
            release();
            resolve(v);
          },
          (e) => {
            failed ??= e;
            release();
            reject(e);
          },
        );
      };
      if (active < n) start();
      else queue.push(start);
    });
}
