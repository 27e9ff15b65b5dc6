/**
 * The web UI at `/`: the static files `packages/ui` builds into `packages/server/ui`. The set of
 * files is fixed when the server starts and requests are answered by lookup in it, so no request
 * path can reach any other file. Hashed build output under `/assets/` is cached forever; every
 * other file (index.html above all) is revalidated on each load, so a new build shows at once.
 * Any other browser navigation gets index.html and the client-side router takes it from there.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyReply, FastifyRequest } from "fastify";
import { SESSION_COOKIE } from "./auth-hook.js";

/** Where the package's build puts the UI (the same from `src/http` and `dist/http`). */
export const DEFAULT_UI_DIR = fileURLToPath(new URL("../../ui/", import.meta.url));

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  json: "application/json",
  svg: "image/svg+xml",
  png: "image/png",
  ico: "image/x-icon",
  woff2: "font/woff2",
  wasm: "application/wasm",
  txt: "text/plain; charset=utf-8",
};

const IMMUTABLE = "public, max-age=31536000, immutable";
const REVALIDATE = "no-cache";

/**
 * index.html may load only what the server itself serves. Inline styles stay allowed (the UI sets
 * style attributes), and WebAssembly may compile (the Parquet codecs are WASM); inline scripts,
 * JavaScript eval and anything from another origin are not.
 */
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; img-src 'self' blob: data:; " +
  "style-src 'self' 'unsafe-inline'; " +
  "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'";

/** Precompressed forms the build writes next to a file, best first. */
const ENCODINGS = [
  { name: "br", suffix: ".br" },
  { name: "gzip", suffix: ".gz" },
] as const;

interface UiFile {
  readonly path: string;
  readonly contentType: string;
  readonly cacheControl: string;
  /** Encoding name ("identity" for the plain file) → file on disk. */
  readonly variants: ReadonlyMap<string, string>;
  readonly etag: string;
}

/** The UI's files, keyed by URL path (`/index.html`, `/assets/index-3f2a.js`). */
export class UiSite {
  private readonly files = new Map<string, UiFile>();
  private readonly bodies = new Map<string, Buffer>();

  /** Reads the file list of `dir` (no file contents yet); an unbuilt UI is an empty site. */
  constructor(dir: string) {
    for (const file of listFiles(dir)) {
      if (ENCODINGS.some((e) => file.endsWith(e.suffix))) continue;
      const urlPath = `/${relative(dir, file).split(sep).join("/")}`;
      const variants = new Map<string, string>([["identity", file]]);
      for (const e of ENCODINGS) {
        if (isFile(file + e.suffix)) variants.set(e.name, file + e.suffix);
      }
      const stat = statSync(file);
      this.files.set(urlPath, {
        path: urlPath,
        contentType: CONTENT_TYPES[extension(urlPath)] ?? "application/octet-stream",
        cacheControl: urlPath.startsWith("/assets/") ? IMMUTABLE : REVALIDATE,
        variants,
        etag: `"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`,
      });
    }
  }

  /** True when the UI was built (there is an index.html to serve). */
  get available(): boolean {
    return this.files.has("/index.html");
  }

  /**
   * Answers a GET/HEAD for the UI, or returns false to let the caller answer (API paths, unknown
   * assets, requests that are not page loads).
   */
  serve(request: FastifyRequest, reply: FastifyReply): boolean {
    if ((request.method !== "GET" && request.method !== "HEAD") || !this.available) return false;
    const urlPath = pathOf(request.url);
    if (urlPath === undefined || urlPath.startsWith("/api/")) return false;
    if (urlPath === "/logout") {
      // lakeFS's logout_url: forget the session cookie, back to the login page.
      reply
        .code(307)
        .header("set-cookie", `${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax`)
        .header("cache-control", "no-store")
        .header("location", "/auth/login")
        .send();
      return true;
    }
    const file =
      this.files.get(urlPath) ??
      (isPageLoad(request, urlPath) ? this.files.get("/index.html") : undefined);
    if (!file) return false;
    this.send(file, request, reply);
    return true;
  }

  private send(file: UiFile, request: FastifyRequest, reply: FastifyReply): void {
    reply
      .header("content-type", file.contentType)
      .header("cache-control", file.cacheControl)
      .header("etag", file.etag)
      .header("x-content-type-options", "nosniff");
    if (file.contentType.startsWith("text/html")) {
      reply.header("content-security-policy", CONTENT_SECURITY_POLICY);
    }
    if (file.variants.size > 1) reply.header("vary", "Accept-Encoding");
    if (request.headers["if-none-match"] === file.etag) {
      reply.code(304).send();
      return;
    }
    const encoding = pickEncoding(request.headers["accept-encoding"], file.variants);
    if (encoding !== "identity") reply.header("content-encoding", encoding);
    const body = this.body(file.variants.get(encoding) as string);
    reply.header("content-length", body.length);
    reply.code(200).send(request.method === "HEAD" ? undefined : body);
  }

  /** File contents, read once (the UI is a few hundred KiB). */
  private body(file: string): Buffer {
    let body = this.bodies.get(file);
    if (!body) {
      body = readFileSync(file);
      this.bodies.set(file, body);
    }
    return body;
  }
}

function listFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir, { recursive: true, encoding: "utf8" });
  } catch {
    return [];
  }
  return names.map((name) => join(dir, name)).filter(isFile);
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function extension(urlPath: string): string {
  const dot = urlPath.lastIndexOf(".");
  return dot < urlPath.lastIndexOf("/") || dot < 0 ? "" : urlPath.slice(dot + 1).toLowerCase();
}

/** The decoded path of a request URL; undefined when it does not decode. */
function pathOf(url: string): string | undefined {
  const raw = url.split("?")[0] ?? "/";
  try {
    const decoded = decodeURIComponent(raw);
    return decoded === "/" ? "/index.html" : decoded;
  } catch {
    return undefined;
  }
}

/** A browser navigation to a client-side route (not a missing asset or an API client). */
function isPageLoad(request: FastifyRequest, urlPath: string): boolean {
  if (urlPath.startsWith("/assets/") || extension(urlPath) !== "") return false;
  const accept = request.headers.accept ?? "";
  return accept.includes("text/html");
}

/** The best encoding both sides have; `q=0` refuses one. */
export function pickEncoding(
  acceptEncoding: string | undefined,
  variants: ReadonlyMap<string, string>,
): string {
  if (!acceptEncoding) return "identity";
  const accepted = new Set<string>();
  for (const part of acceptEncoding.split(",")) {
    const [name = "", ...params] = part.trim().toLowerCase().split(";");
    const refused = params.some((p) => /^\s*q\s*=\s*0(\.0*)?\s*$/.test(p));
    if (!refused) accepted.add(name.trim());
  }
  for (const e of ENCODINGS) {
    if (variants.has(e.name) && (accepted.has(e.name) || accepted.has("*"))) return e.name;
  }
  return "identity";
}
