/**
 * Branch globs in action files, with the semantics lakeFS uses (Go's `path.Match`): `*` matches
 * any run of characters except `/`, `?` one such character, `[...]` a class (`^` or `!`
 * negates, ranges with `-`), `\` escapes. A malformed pattern is an error, not a non-match.
 */
const cache = new Map<string, RegExp>();

/** Escapes a literal character for a `u`-mode RegExp (inside a class `-` is special too). */
function literal(ch: string, inClass = false): string {
  return /[\\^$.*+?()[\]{}|]/.test(ch) || (inClass && ch === "-") ? `\\${ch}` : ch;
}

function compile(glob: string): RegExp {
  let out = "^";
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === "*") out += "[^/]*";
    else if (ch === "?") out += "[^/]";
    else if (ch === "\\") {
      if (i + 1 >= glob.length) throw new Error(`bad glob pattern '${glob}'`);
      out += literal(glob[++i]!);
    } else if (ch === "[") {
      let j = i + 1;
      let cls = "";
      if (glob[j] === "^" || glob[j] === "!") {
        cls += "^";
        j++;
      }
      const start = j;
      for (; j < glob.length && (glob[j] !== "]" || j === start); j++) {
        const c = glob[j]!;
        if (c === "\\") {
          if (j + 1 >= glob.length) throw new Error(`bad glob pattern '${glob}'`);
          cls += literal(glob[++j]!, true);
        } else cls += c === "-" ? "-" : literal(c, true);
      }
      if (j >= glob.length || j === start) throw new Error(`bad glob pattern '${glob}'`);
      out += `(?!/)[${cls}]`;
      i = j;
    } else out += literal(ch);
  }
  return new RegExp(`${out}$`, "u");
}

/** True when `name` matches `glob` entirely; throws on a malformed pattern. */
export function globMatch(glob: string, name: string): boolean {
  let re = cache.get(glob);
  if (re === undefined) {
    re = compile(glob);
    if (cache.size > 1000) cache.clear();
    cache.set(glob, re);
  }
  return re.test(name);
}
