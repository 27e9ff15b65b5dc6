/**
 * Sample data for `POST /repositories` with `sample_data: true` (the Python SDK's
 * `include_samples`): as lakeFS does, every file of the sample set is written to the new
 * repository's default branch, committed as `Add sample data` by the caller, and the default
 * branch then gets a protection rule that blocks direct commits. The files ship with this package
 * under `assets/samples/` (built by `scripts/samples.ts`).
 */
import { createReadStream } from "node:fs";
import { readdir } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { Repository } from "../engine/types.js";
import type { HttpServices } from "./context.js";

/** `assets/samples/`, from `src/http/` as from `dist/http/`. */
const SAMPLES_DIR = fileURLToPath(new URL("../../assets/samples/", import.meta.url));

export const SAMPLE_COMMIT_MESSAGE = "Add sample data";

/** Repository paths of the sample files (`/`-separated, sorted). */
export async function sampleFilePaths(): Promise<string[]> {
  const entries = await readdir(SAMPLES_DIR, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(SAMPLES_DIR, join(e.parentPath, e.name)).split(sep).join("/"))
    .sort();
}

/** Writes, stages and commits the sample files, then protects the default branch from commits. */
export async function populateSampleData(
  services: HttpServices,
  repository: Repository,
  committer: string,
): Promise<void> {
  const { engine, objects } = services;
  const branch = repository.defaultBranch;
  // A read-only repository is still filled, as lakeFS writes the samples below its API checks.
  const force = repository.readOnly;
  for (const path of await sampleFilePaths()) {
    const body = createReadStream(join(SAMPLES_DIR, path));
    await objects.upload({ repository: repository.id, branch, path, body, force });
  }
  await engine.commit(repository.id, branch, {
    message: SAMPLE_COMMIT_MESSAGE,
    committer,
    metadata: {},
    force,
  });
  const rules = await engine.getBranchProtectionRules(repository.id);
  await engine.setBranchProtectionRules(repository.id, [
    ...rules.filter((r) => r.pattern !== branch),
    { pattern: branch, blockedActions: ["commit"] },
  ]);
}
