#!/usr/bin/env node
// The packages as a user gets them. For every publishable (non-private) workspace: publint, pack,
// check the tarball holds no tests or benches, @arethetypeswrong/cli on the tarball. Then a fresh
// project outside the repository installs the tarballs, type-checks a small program against
// every entry point with `tsc --strict` and no skipLibCheck (plus a browser-only program against
// the SDK core), runs `require()` of every entry point, and runs the README's quick example,
// compiled to plain JavaScript, against `npx lakefs-ts-server run` from the installed package.
//
// Needs the workspaces built (npm ci / npm run build). The consumer installs with
// --ignore-scripts and gets better-sqlite3's addon copied from the workspace (or built for the
// Node under test): the native build is better-sqlite3's own business and would cost minutes.
// Usage: node scripts/consumer-smoke.mjs [--node <major>]
import { spawn, spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { nodeOfMajor, sqliteAddon, workspaceSqliteAddon } from "./node-versions.mjs";

const root = new URL("..", import.meta.url).pathname;
const requireHere = createRequire(join(root, "package.json"));
const bin = (name) => join(root, "node_modules/.bin", name);

const nodeFlag = process.argv.indexOf("--node");
const major = nodeFlag >= 0 ? process.argv[nodeFlag + 1] : undefined;
const node = major
  ? nodeOfMajor(major)
  : { execPath: process.execPath, version: process.version, binDir: dirname(process.execPath) };
const addon = major ? sqliteAddon(node) : workspaceSqliteAddon();
const env = { ...process.env, PATH: `${node.binDir}:${process.env.PATH}` };

function step(title) {
  console.log(`== consumer smoke (node ${node.version}): ${title}`);
}

function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { encoding: "utf8", env, maxBuffer: 64 << 20, ...options });
  if (r.status !== 0) {
    console.error(r.stdout, r.stderr);
    throw new Error(`${cmd} ${args.join(" ")} failed with ${r.status ?? r.signal}`);
  }
  return r.stdout;
}

/** The non-private workspaces, from the root package.json (`dir` and `dir/*` patterns). */
function publishableWorkspaces() {
  const patterns = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).workspaces;
  const dirs = patterns.flatMap((pattern) => {
    if (!pattern.endsWith("/*")) return [join(root, pattern)];
    const parent = join(root, pattern.slice(0, -2));
    return readdirSync(parent).map((name) => join(parent, name));
  });
  return dirs
    .filter((dir) => existsSync(join(dir, "package.json")))
    .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) }))
    .filter(({ pkg }) => !pkg.private);
}

/** Import specifiers of a package's JavaScript entry points (not package.json or assets). */
function entryPoints(pkg) {
  const exports = pkg.exports ?? {};
  const subpaths = typeof exports === "string" ? ["."] : Object.keys(exports);
  return subpaths
    .filter((subpath) => {
      const target = exports[subpath];
      return typeof target === "object" ? "types" in target : /\.m?js$/.test(target ?? "");
    })
    .map((subpath) => (subpath === "." ? pkg.name : pkg.name + subpath.slice(1)));
}

const UNPUBLISHED =
  /(^|\/)(test|tests|__tests__|bench|benchmarks?)\/|\.test\.[cm]?[jt]s$|\.tsbuildinfo$/;

function packAndLint({ dir, pkg }, tarballs) {
  step(`publint ${pkg.name}`);
  run(bin("publint"), ["--strict", dir]);
  step(`pack ${pkg.name}`);
  const [packed] = JSON.parse(
    run("npm", ["pack", "--json", "--pack-destination", tarballs], { cwd: dir }),
  );
  const stray = packed.files.map((f) => f.path).filter((p) => UNPUBLISHED.test(p));
  if (stray.length > 0) throw new Error(`${pkg.name}'s tarball holds ${stray.join(", ")}`);
  console.log(`   ${packed.filename}: ${packed.files.length} files, ${packed.size} bytes packed`);
  const tarball = join(tarballs, packed.filename);
  step(`attw ${pkg.name}`);
  // ESM only: `require()` of ESM is Node's own feature (checked below), not a CJS build.
  run(bin("attw"), [tarball, "--profile", "esm-only", "--format", "table-flipped"]);
  return tarball;
}

const QUICK_EXAMPLE = `import { repository } from "lakefs-ts/node"; // endpoint + keys from LAKECTL_* env or ~/.lakectl.yaml

const repo = await repository("my-new-repo").create("local://my-new-repo");
const main = repo.branch("main");

const w = main.object("my-file.txt").writer();
await w.write("Hello, lakeFS!");
await w.close();

await main.commit("Add my-file.txt");

console.log(await main.object("my-file.txt").text()); // Hello, lakeFS!
`;

const BROWSER_PROGRAM = `import { Client, isLakeFSError, repositories } from "lakefs-ts";
import type { paths } from "lakefs-ts/api";

const client = new Client({ endpoint: "https://lakefs.example.com", credentials: { accessKeyId: "a", secretAccessKey: "s" } });
type Listing = paths["/repositories"]["get"];
export async function names(): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const repo of repositories({ client })) out.push(repo.id);
  } catch (err) {
    if (isLakeFSError(err)) return [];
    throw err;
  }
  return out;
}
export type { Listing };
`;

function writeConsumer(project, specifiers) {
  mkdirSync(join(project, "src"), { recursive: true });
  mkdirSync(join(project, "browser"), { recursive: true });
  writeFileSync(
    join(project, "package.json"),
    JSON.stringify({ name: "consumer", private: true, type: "module" }, null, 2),
  );
  const strict = { strict: true, skipLibCheck: false, target: "ES2022", noEmitOnError: true };
  writeFileSync(
    join(project, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        ...strict,
        module: "NodeNext",
        outDir: "dist",
        rootDir: "src",
        types: ["node"],
      },
      include: ["src"],
    }),
  );
  // A browser app: DOM and disposables, no Node typings, bundler resolution.
  writeFileSync(
    join(project, "browser/tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        ...strict,
        module: "ESNext",
        moduleResolution: "Bundler",
        lib: ["ES2022", "DOM", "DOM.Iterable", "ESNext.Disposable"],
        types: [],
        noEmit: true,
      },
      include: ["."],
    }),
  );
  writeFileSync(join(project, "src/main.ts"), QUICK_EXAMPLE);
  writeFileSync(
    join(project, "src/entry-points.ts"),
    specifiers.map((s, i) => `import * as entry${i} from "${s}";\nvoid entry${i};\n`).join(""),
  );
  writeFileSync(
    join(project, "require-all.cjs"),
    specifiers
      .map(
        (s) =>
          `if (Object.keys(require(${JSON.stringify(s)})).length === 0) throw new Error(${JSON.stringify(`${s}: no exports`)});\n`,
      )
      .join(""),
  );
  writeFileSync(join(project, "browser/app.ts"), BROWSER_PROGRAM);
}

/** Starts the installed server's bin and resolves once its banner is out. */
function startServer(project, home) {
  const child = spawn(
    "npx",
    [
      "--no-install",
      "lakefs-ts-server",
      "run",
      "--quickstart",
      "--port",
      "0",
      "--data",
      join(project, "lakefs-data"),
      "--lakectl-config",
      join(home, ".lakectl.yaml"),
    ],
    // Its own process group, so stopping reaches the server npx started, not only npx.
    { cwd: project, env, stdio: ["ignore", "pipe", "inherit"], detached: true },
  );
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
      if (out.includes("Press Ctrl+C to stop.")) resolve(child);
    });
    child.on("exit", (code) => reject(new Error(`lakefs-ts-server exited (${code}):\n${out}`)));
  });
}

/** Stops npx and the server; done when the server has closed its end of the pipe. */
function stop(child) {
  return new Promise((resolve) => {
    child.removeAllListeners("exit");
    child.stdout.on("close", resolve);
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      resolve(); // already gone
    }
  });
}

const work = mkdtempSync(join(tmpdir(), "lakefs-ts-consumer-"));
let server;
try {
  const tarballs = join(work, "tarballs");
  mkdirSync(tarballs);
  const workspaces = publishableWorkspaces();
  const packed = workspaces.map((w) => packAndLint(w, tarballs));

  const project = join(work, "project");
  const specifiers = workspaces.flatMap(({ pkg }) => entryPoints(pkg));
  writeConsumer(project, specifiers);
  step(`install ${packed.length} tarballs into ${project}`);
  const typescript = requireHere("typescript/package.json").version;
  run(
    "npm",
    [
      "install",
      "--no-audit",
      "--no-fund",
      "--ignore-scripts",
      ...packed,
      `typescript@${typescript}`,
      "@types/node@22",
    ],
    { cwd: project },
  );
  const installedSqlite = join(project, "node_modules/better-sqlite3");
  if (existsSync(installedSqlite)) {
    mkdirSync(join(installedSqlite, "build/Release"), { recursive: true });
    copyFileSync(addon, join(installedSqlite, "build/Release/better_sqlite3.node"));
  }
  if (existsSync(join(project, "node_modules/@types/better-sqlite3"))) {
    throw new Error("@types/better-sqlite3 got installed: the server's typings must not need it");
  }

  const tsc = join(project, "node_modules/typescript/bin/tsc");
  step(`tsc --strict (no skipLibCheck): ${specifiers.join(", ")} and the quick example`);
  run(node.execPath, [tsc, "-p", project]);
  step("tsc --strict (no skipLibCheck), browser program: DOM lib, no Node typings");
  run(node.execPath, [tsc, "-p", join(project, "browser")]);

  step("require() of every entry point");
  run(node.execPath, [join(project, "require-all.cjs")], { cwd: project });

  step("the quick example on plain node against npx lakefs-ts-server");
  const home = join(work, "home");
  mkdirSync(home);
  server = await startServer(project, home);
  const out = run(node.execPath, [join(project, "dist/main.js")], {
    cwd: project,
    // Configured as a user would be: the ~/.lakectl.yaml the server wrote, no LAKECTL_* variables.
    env: Object.fromEntries(
      Object.entries({ ...env, HOME: home }).filter(([k]) => !k.startsWith("LAKECTL_")),
    ),
  });
  if (out.trim() !== "Hello, lakeFS!")
    throw new Error(`quick example printed ${JSON.stringify(out)}`);
  console.log(`   ${out.trim()}`);
  step("ok");
} finally {
  if (server) await stop(server);
  rmSync(work, { recursive: true, force: true });
}
