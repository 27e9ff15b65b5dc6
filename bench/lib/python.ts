/**
 * Finds the Python interpreter with the official `lakefs` SDK: the interop suite's venv when it
 * exists, else bench/.venv, created on first use with the interop suite's pinned requirements.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./processes.js";

const INTEROP_VENV = join(ROOT, "test/interop/.venv");
const BENCH_VENV = join(ROOT, "bench/.venv");
const REQUIREMENTS = join(ROOT, "test/interop/requirements.txt");

function hasLakefs(venv: string): boolean {
  const python = join(venv, "bin/python");
  return existsSync(python) && spawnSync(python, ["-c", "import lakefs"]).status === 0;
}

/** The python executable to run bench/sides/python_side.py with; throws with the reason when none. */
export function pythonWithLakefs(): string {
  for (const venv of [INTEROP_VENV, BENCH_VENV])
    if (hasLakefs(venv)) return join(venv, "bin/python");
  console.error("bench: creating bench/.venv with the lakefs Python SDK…");
  const create = spawnSync("python3", ["-m", "venv", BENCH_VENV], { stdio: "inherit" });
  if (create.status !== 0) throw new Error("python3 -m venv failed");
  const pip = spawnSync(join(BENCH_VENV, "bin/pip"), ["install", "-q", "-r", REQUIREMENTS], {
    stdio: "inherit",
  });
  if (pip.status !== 0 || !hasLakefs(BENCH_VENV))
    throw new Error("pip install of the lakefs SDK failed");
  return join(BENCH_VENV, "bin/python");
}
