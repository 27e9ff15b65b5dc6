/**
 * `net/url`: `parse` splits a URL (absolute or relative) into `scheme`, `host`, `path`
 * (unescaped), `query` (raw) and `fragment` (unescaped), as Go's `url.Parse` does.
 */
import type { LuaModule } from "./module.js";

// RFC 3986, appendix B.
const URL_PARTS = /^(?:([^:/?#]+):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/s;

function percentDecode(raw: string, whole: string): string {
  const bad = /%(?![0-9a-fA-F]{2})/.exec(raw);
  if (bad) {
    throw new Error(
      `parse ${JSON.stringify(whole)}: invalid URL escape ${JSON.stringify(raw.slice(bad.index, bad.index + 3))}`,
    );
  }
  return Buffer.from(
    raw.replace(/%([0-9a-fA-F]{2})/g, (_, h: string) =>
      String.fromCharCode(Number.parseInt(h, 16)),
    ),
    "latin1",
  ).toString("utf8");
}

export function parseUrl(raw: string) {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: Go refuses control characters
  if (/[\x00-\x1f\x7f]/.test(raw)) {
    throw new Error(`parse ${JSON.stringify(raw)}: net/url: invalid control character in URL`);
  }
  const [, scheme = "", host = "", path = "", query = "", fragment = ""] = URL_PARTS.exec(raw)!;
  if (scheme !== "" && !/^[A-Za-z][A-Za-z0-9+.-]*$/.test(scheme)) {
    if (/^[0-9]/.test(scheme) || scheme.includes("/")) {
      throw new Error(
        `parse ${JSON.stringify(raw)}: first path segment in URL cannot contain colon`,
      );
    }
    throw new Error(`parse ${JSON.stringify(raw)}: missing protocol scheme`);
  }
  if (raw.startsWith(":")) throw new Error(`parse ${JSON.stringify(raw)}: missing protocol scheme`);
  return {
    scheme: scheme.toLowerCase(),
    host,
    path: percentDecode(path, raw),
    query,
    fragment: percentDecode(fragment, raw),
  };
}

export const url: LuaModule = {
  host: { parse: parseUrl },
  lua: `
package.preload["net/url"] = module({
  parse = function(s) return call("parse", checkstring(s, 1, "parse")) end,
})
`,
};
