/** Bounded concurrency for part uploads and ranged downloads. */

/**
 * Applies `task` to the items with at most `concurrency` tasks running or finished-but-unread,
 * yielding results in input order. Items are pulled from `source` only when a slot is free, so
 * memory stays bounded by `concurrency` items. On the first failure (or when the consumer stops
 * early) the remaining tasks are aborted through their signal and the source is closed.
 */
export async function* orderedPool<T, R>(
  source: AsyncIterable<T> | Iterable<T>,
  concurrency: number,
  task: (item: T, index: number, signal: AbortSignal) => Promise<R>,
  signal?: AbortSignal,
): AsyncGenerator<R> {
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal?.reason);
  if (signal?.aborted) onAbort();
  signal?.addEventListener("abort", onAbort, { once: true });
  const iterator = toAsyncIterator(source);
  const window: Promise<R>[] = [];
  let index = 0;
  let exhausted = false;
  try {
    while (true) {
      while (!exhausted && window.length < concurrency) {
        controller.signal.throwIfAborted();
        const next = await iterator.next();
        if (next.done) {
          exhausted = true;
          break;
        }
        const running = task(next.value, index++, controller.signal);
        // Stop the others at once: a failure behind a slow head must not wait for it. (Also
        // keeps the rejection from going unhandled; it is rethrown in order below.)
        running.catch((error) => controller.abort(error));
        window.push(running);
      }
      const head = window.shift();
      if (!head) return;
      yield await head;
    }
  } finally {
    signal?.removeEventListener("abort", onAbort);
    if (window.length > 0 || !exhausted) {
      controller.abort(new Error("stopped"));
      await Promise.allSettled(window);
      if (!exhausted) await iterator.return?.();
    }
  }
}

function toAsyncIterator<T>(source: AsyncIterable<T> | Iterable<T>): AsyncIterator<T> {
  if (Symbol.asyncIterator in source) return source[Symbol.asyncIterator]();
  const sync = source[Symbol.iterator]();
  return {
    next: async () => sync.next(),
    return: async () => sync.return?.() ?? { done: true, value: undefined },
  };
}
