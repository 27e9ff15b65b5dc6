/**
 * Reads ahead of a slow consumer: a background pump pulls up to `capacity` items from the
 * source, so a planner can discover work (and report totals) while transfers run, without
 * holding more than `capacity` planned items however large the tree.
 */
export async function* lookahead<T>(
  source: AsyncIterable<T>,
  capacity: number,
  onPulled: (item: T) => void,
): AsyncGenerator<T> {
  const buffer: T[] = [];
  let done = false;
  let failure: { error: unknown } | undefined;
  let wakeConsumer: (() => void) | undefined;
  let wakePump: (() => void) | undefined;
  let stopped = false;
  const wake = () => {
    wakeConsumer?.();
    wakeConsumer = undefined;
  };
  const iterator = source[Symbol.asyncIterator]();
  const pump = (async () => {
    try {
      while (!stopped) {
        if (buffer.length >= capacity) {
          await new Promise<void>((resolve) => {
            wakePump = resolve;
          });
          continue;
        }
        const next = await iterator.next();
        if (next.done) break;
        onPulled(next.value);
        buffer.push(next.value);
        wake();
      }
    } catch (error) {
      failure = { error };
    } finally {
      done = true;
      wake();
    }
  })();
  try {
    while (true) {
      if (buffer.length > 0) {
        const item = buffer.shift() as T;
        wakePump?.();
        wakePump = undefined;
        yield item;
        continue;
      }
      if (failure) throw failure.error;
      if (done) return;
      await new Promise<void>((resolve) => {
        wakeConsumer = resolve;
      });
    }
  } finally {
    stopped = true;
    wakePump?.();
    await pump;
    if (!done || buffer.length > 0) await iterator.return?.();
  }
}
