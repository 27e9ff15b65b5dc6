/**
 * Builds the UI into the server package (`packages/server/ui`), which serves it at `/`. Every
 * emitted file also gets a Brotli and a gzip twin, so the server sends compressed bytes without
 * compressing per request.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { defineConfig, type Plugin } from "vite";

const OUT_DIR = fileURLToPath(new URL("../server/ui/", import.meta.url));
/** `npm run dev` forwards API calls to this lakefs-ts-server (or lakeFS). */
const DEV_API_TARGET = process.env.LAKEFS_UI_DEV_SERVER ?? "http://127.0.0.1:8000";
/** Smaller files gain nothing from compression. */
const MIN_COMPRESS_BYTES = 1024;

function precompress(dir: string): Plugin {
  return {
    name: "lakefs-ts-precompress",
    apply: "build",
    closeBundle() {
      for (const name of readdirSync(dir, { recursive: true, encoding: "utf8" })) {
        const file = join(dir, name);
        if (!statSync(file).isFile() || /\.(br|gz|png|jpg|woff2)$/.test(file)) continue;
        const body = readFileSync(file);
        if (body.length < MIN_COMPRESS_BYTES) continue;
        writeFileSync(`${file}.gz`, gzipSync(body, { level: 9 }));
        writeFileSync(
          `${file}.br`,
          brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
        );
      }
    },
  };
}

export default defineConfig({
  // The SDK comes from its TypeScript sources, like every other workspace consumer.
  resolve: { conditions: ["development", "browser", "module", "import", "default"] },
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: OUT_DIR,
    emptyOutDir: true,
    target: "es2022",
    reportCompressedSize: false,
  },
  plugins: [precompress(OUT_DIR)],
  server: { proxy: { "/api": DEV_API_TARGET, "/logout": DEV_API_TARGET } },
});
