/** Shared fixture for the engine tests: a fresh engine in a temp dir with a settable clock. */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Entry } from "../src/core/entry.js";
import { EngineError, type EngineErrorKind } from "../src/core/errors.js";
import { type Engine, type EngineDeps, openEngine } from "../src/engine/engine.js";

export interface Fixture {
  readonly engine: Engine;
  readonly dir: string;
  /** Directory of a `local://` namespace. */
  nsDir(ns: string): string;
  /** Sets the engine clock (unix seconds). */
  setNow(seconds: number): void;
  /** Advances the engine clock by one second (distinct commit ids for identical content). */
  tick(): void;
  close(): Promise<void>;
}

export function openFixture(deps: Partial<Omit<EngineDeps, "db" | "namespaceDir">> = {}): Fixture {
  // tmpfs when available: these tests fsync a lot (synchronous = FULL).
  const base = existsSync("/dev/shm") ? "/dev/shm" : tmpdir();
  const dir = mkdtempSync(join(base, "lakefs-engine-"));
  let now = 1_700_000_000;
  const nsDir = (ns: string) => join(dir, "block", ns.replace(/^local:\/\//, ""));
  const engine = openEngine(dir, { now: () => now, namespaceDir: nsDir, ...deps });
  return {
    engine,
    dir,
    nsDir,
    setNow: (s) => {
      now = s;
    },
    tick: () => {
      now += 1;
    },
    close: async () => {
      await engine.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An entry whose identity is determined by `content` (and optional metadata). */
export function entry(content: string, extra: Partial<Entry> = {}): Entry {
  return {
    address: `data/${content}-${Math.random().toString(36).slice(2)}`,
    addressType: "relative",
    size: content.length,
    etag: `etag-${content}`,
    mtime: 1_700_000_000,
    metadata: {},
    contentType: "application/octet-stream",
    ...extra,
  };
}

/** Creates a repository `id` with namespace `local://<id>`. */
export async function repo(f: Fixture, id = "repo1", extra: { defaultBranch?: string } = {}) {
  return await f.engine.createRepository({ id, storageNamespace: `local://${id}`, ...extra });
}

/** Paths of a listing page (common prefixes included). */
export function paths(page: { results: readonly { path: string }[] }): string[] {
  return page.results.map((r) => r.path);
}

/** An `assert.throws` validator: an EngineError of `kind`, with this exact/matching message. */
export function engineError(kind: EngineErrorKind, message?: string | RegExp) {
  return (err: unknown): true => {
    assert.ok(err instanceof EngineError, `expected EngineError, got ${String(err)}`);
    assert.equal(err.kind, kind, err.message);
    if (typeof message === "string") assert.equal(err.message, message);
    else if (message) assert.match(err.message, message);
    return true;
  };
}
