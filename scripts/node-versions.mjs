// Other Node majors for CI, installed from the npm registry (`npx -p node@N`), and the one thing
// that does not carry across them: better-sqlite3's native addon is built for a single Node ABI.
// `sqliteAddon(major)` compiles it once per ABI from the installed better-sqlite3 sources, against
// the headers that ship inside the `node` package (no download from nodejs.org), and caches the
// result in node_modules/.cache/lakefs-ts/better-sqlite3/<abi>/.
import { spawnSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const require = createRequire(join(root, "package.json"));

/** The Node majors we support (package.json `engines`), each tested in CI. */
export const SUPPORTED_NODE_MAJORS = ["22", "24"];

function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 256 << 20, ...options });
  if (r.status !== 0) {
    throw new Error(
      `${cmd} ${args.join(" ")} failed (${r.status}):\n${r.stdout ?? ""}${r.stderr ?? ""}`,
    );
  }
  return r.stdout ?? "";
}

/** The npm package holding Node's distribution (bin/, include/) for this platform. */
function distributionPackage() {
  const platform = process.platform === "win32" ? "win" : process.platform;
  const prefix = platform === "darwin" && process.arch === "arm64" ? "node-bin" : "node";
  return `${prefix}-${platform}-${process.arch}`;
}

/**
 * The newest Node of `major` from the npm registry, installed once into node_modules/.cache
 * (the package `npx -p node@N` installs too, kept in a directory of our own so its headers stay
 * next to the binary): its path, ABI, version, bin directory and distribution directory.
 */
export function nodeOfMajor(major) {
  const prefix = join(root, "node_modules/.cache/lakefs-ts", `node-${major}`);
  const dist = join(prefix, "node_modules", distributionPackage());
  const execPath = join(dist, "bin/node");
  if (!existsSync(execPath)) {
    console.log(`== installing node ${major} from npm into ${prefix}`);
    mkdirSync(prefix, { recursive: true });
    run("npm", [
      "install",
      "--no-save",
      "--no-package-lock",
      "--no-audit",
      "--no-fund",
      "--prefix",
      prefix,
      `${distributionPackage()}@${major}`,
    ]);
  }
  const [abi, version] = JSON.parse(
    run(execPath, ["-p", "JSON.stringify([process.versions.modules, process.version])"]),
  );
  return { execPath, abi, version, binDir: dirname(execPath), nodedir: dist };
}

/** The better-sqlite3 addon path the workspace loads. */
export function workspaceSqliteAddon() {
  return join(
    dirname(require.resolve("better-sqlite3/package.json")),
    "build/Release/better_sqlite3.node",
  );
}

/** A better-sqlite3 addon built for `node` (from `nodeOfMajor`), compiled on first use. */
export function sqliteAddon(node) {
  const cached = join(
    root,
    "node_modules/.cache/lakefs-ts/better-sqlite3",
    node.abi,
    "better_sqlite3.node",
  );
  if (existsSync(cached)) return cached;
  if (!existsSync(join(node.nodedir, "include/node/node.h"))) {
    throw new Error(`no Node headers in ${node.nodedir}`);
  }
  const pkg = dirname(require.resolve("better-sqlite3/package.json"));
  const work = mkdtempSync(join(tmpdir(), "lakefs-ts-sqlite-"));
  try {
    cpSync(pkg, work, { recursive: true, filter: (src) => !src.startsWith(join(pkg, "build")) });
    // npm's bundled node-gyp, run by the target Node so it builds for that ABI.
    const npmRoot = run("npm", ["root", "-g"]).trim();
    const gyp = join(npmRoot, "npm/node_modules/node-gyp/bin/node-gyp.js");
    console.log(`== building better-sqlite3 for node ${node.version} (ABI ${node.abi})`);
    run(node.execPath, [gyp, "rebuild", "--release", `--nodedir=${node.nodedir}`], { cwd: work });
    mkdirSync(dirname(cached), { recursive: true });
    copyFileSync(join(work, "build/Release/better_sqlite3.node"), cached);
    return cached;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
