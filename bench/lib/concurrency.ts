/** Small timing and concurrency helpers shared by the scenarios that drive requests themselves. */

/** Runs `task(i)` for i in [0, count) with at most `limit` running at once. */
export async function pool(
  count: number,
  limit: number,
  task: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

/** Wall-clock seconds `fn` took. */
export async function timedSeconds(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return (performance.now() - start) / 1000;
}
