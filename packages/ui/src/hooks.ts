/** Data hooks: one async load per input, and cursor paging that holds one page at a time. */
import type { Page } from "lakefs-ts";
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { onAuthError } from "./session";

export interface Async<T> {
  readonly value: T | undefined;
  readonly error: unknown;
  readonly loading: boolean;
  reload(): void;
}

interface Loaded<T> {
  /** The inputs this result was loaded for. */
  readonly deps: readonly unknown[];
  readonly value: T | undefined;
  readonly error: unknown;
  readonly loading: boolean;
}

function sameDeps(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
}

/**
 * Runs `load` whenever `deps` change; results of superseded runs are dropped, and a result loaded
 * for other inputs is never returned (a page must not act on the previous ref's answer while the
 * new one loads). `reload()` keeps showing the current result until the fresh one arrives.
 */
export function useAsync<T>(load: () => Promise<T>, deps: readonly unknown[]): Async<T> {
  const [state, setState] = useState<Loaded<T>>({
    deps: [],
    value: undefined,
    error: undefined,
    loading: true,
  });
  const [generation, setGeneration] = useState(0);
  const run = useRef(0);
  useEffect(() => {
    const mine = ++run.current;
    const forDeps = deps;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (value) =>
        mine === run.current &&
        setState({ deps: forDeps, value, error: undefined, loading: false }),
      (error) => {
        if (mine !== run.current) return;
        onAuthError(error);
        setState({ deps: forDeps, value: undefined, error, loading: false });
      },
    );
  }, [...deps, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  if (!sameDeps(state.deps, deps)) {
    return { value: undefined, error: undefined, loading: true, reload };
  }
  return { value: state.value, error: state.error, loading: state.loading, reload };
}

export interface Pager<T> extends Async<Page<T>> {
  readonly items: readonly T[];
  readonly pageNumber: number;
  readonly hasPrevious: boolean;
  readonly hasNext: boolean;
  next(): void;
  previous(): void;
}

/**
 * Page-at-a-time listing: `fetchPage(after)` is called for the current page only, and going back
 * re-fetches from the remembered cursor, so a listing of any length holds one page in memory.
 */
export function usePager<T>(
  fetchPage: (after: string | undefined) => Promise<Page<T>>,
  deps: readonly unknown[],
): Pager<T> {
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  useEffect(() => setCursors([undefined]), deps);
  const after = cursors[cursors.length - 1];
  const page = useAsync(() => fetchPage(after), [...deps, after, cursors.length]);
  const nextOffset = page.value?.nextOffset;
  return {
    ...page,
    items: page.value?.items ?? [],
    pageNumber: cursors.length,
    hasPrevious: cursors.length > 1,
    hasNext: nextOffset !== undefined,
    next: () => nextOffset !== undefined && setCursors((c) => [...c, nextOffset]),
    previous: () => setCursors((c) => (c.length > 1 ? c.slice(0, -1) : c)),
  };
}

export interface Action<A extends unknown[]> {
  readonly busy: boolean;
  /** The last run's failure, until the next run starts. */
  readonly error: unknown;
  run(...args: A): Promise<void>;
}

/** A user action (submit, delete, reset): busy while it runs, its failure kept for display. */
export function useAction<A extends unknown[]>(action: (...args: A) => Promise<void>): Action<A> {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const run = async (...args: A) => {
    setBusy(true);
    setError(undefined);
    try {
      await action(...args);
    } catch (e) {
      onAuthError(e);
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run };
}
