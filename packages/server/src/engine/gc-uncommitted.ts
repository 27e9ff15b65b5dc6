/**
 * The uncommitted objects garbage collection must keep (lakeFS's `prepare_uncommited`): every
 * namespace-relative address that a branch's staging still references (all tokens merged, newest
 * value wins, so an overwritten staged value is not kept), once per address.
 */
import { type EngineContext, tokensOf } from "./context.js";
import { stagedChanges } from "./staging.js";

export interface UncommittedAddress {
  /** Relative to the storage namespace, as lakeFS lists it. */
  readonly address: string;
  /** Unix seconds: when the staged object was written. */
  readonly mtime: number;
}

export function uncommittedAddresses(ctx: EngineContext, repo: string): UncommittedAddress[] {
  ctx.repo(repo);
  const seen = new Map<string, UncommittedAddress>();
  for (const branch of ctx.store.allBranches(repo)) {
    for (const change of stagedChanges(ctx.store, tokensOf(branch))) {
      const entry = change.value;
      if (entry === null || entry.addressType !== "relative") continue;
      seen.set(entry.address, { address: entry.address, mtime: entry.mtime });
    }
  }
  return [...seen.values()].sort((a, b) => (a.address < b.address ? -1 : 1));
}
