/**
 * Bundles the SDK core (`packages/sdk/src/index.ts`) the way a browser app would, recording every
 * Node builtin the import graph reaches instead of failing on the first one, so a test can name
 * them all.
 */
import { builtinModules } from "node:module";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build, type Plugin, transform } from "esbuild";

export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
export const SDK_CORE_ENTRY = fileURLToPath(
  new URL("../../../packages/sdk/src/index.ts", import.meta.url),
);

const nodeBuiltins = new Set(builtinModules);

export interface CoreBundle {
  /** ESM source of the bundle. */
  readonly code: string;
  readonly bytes: number;
  readonly gzipBytes: number;
  /** `"<specifier> (imported by <file>)"` for every Node builtin the core reaches. */
  readonly nodeImports: readonly string[];
}

function isNodeBuiltin(specifier: string): boolean {
  return specifier.startsWith("node:") || nodeBuiltins.has(specifier);
}

function recordNodeBuiltins(found: string[]): Plugin {
  return {
    name: "record-node-builtins",
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (!isNodeBuiltin(args.path)) return undefined;
        found.push(`${args.path} (imported by ${relative(REPO_ROOT, args.importer)})`);
        return { path: args.path, external: true };
      });
    },
  };
}

/** The core (or another `entry`) as one browser-platform ES module. */
export async function bundleCore(
  options: { minify?: boolean; entry?: string } = {},
): Promise<CoreBundle> {
  const nodeImports: string[] = [];
  const result = await build({
    entryPoints: [options.entry ?? SDK_CORE_ENTRY],
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    minify: options.minify ?? false,
    logLevel: "silent",
    plugins: [recordNodeBuiltins(nodeImports)],
  });
  const output = result.outputFiles[0];
  if (!output) throw new Error("esbuild produced no output");
  return {
    code: output.text,
    bytes: output.contents.byteLength,
    gzipBytes: gzipSync(output.contents).byteLength,
    nodeImports,
  };
}

/** A standalone TypeScript module (type-only imports) as plain ESM, for a page or another runtime. */
export async function transpileModule(source: string): Promise<string> {
  return (await transform(source, { loader: "ts", format: "esm" })).code;
}
