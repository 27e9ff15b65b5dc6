/**
 * A hook's `if` expression, the small language lakeFS evaluates: `success()`, `failure()`,
 * `true`, `false`, `!`, `&&`, `||` and parentheses, optionally wrapped in `${{ … }}`.
 * `success()` is true while no earlier hook of the action failed.
 */
export class ConditionError extends Error {}

type Token = "(" | ")" | "!" | "&&" | "||" | "success()" | "failure()" | "true" | "false";
const TOKEN = /\s*(success\s*\(\s*\)|failure\s*\(\s*\)|true|false|&&|\|\||!|\(|\))/y;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  let pos = 0;
  while (pos < text.length) {
    if (/^\s*$/.test(text.slice(pos))) break;
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(text);
    if (m === null) throw new ConditionError(`cannot parse 'if' expression: ${text}`);
    tokens.push(m[1]!.replace(/\s+/g, "") as Token);
    pos = TOKEN.lastIndex;
  }
  return tokens;
}

/** Evaluates `expression` given whether an earlier hook failed; "" means `success()`. */
export function evaluateCondition(expression: string, failed: boolean): boolean {
  let text = expression.trim();
  const wrapped = /^\$\{\{([\s\S]*)\}\}$/.exec(text);
  if (wrapped) text = wrapped[1]!.trim();
  if (text === "") return !failed;
  const tokens = tokenize(text);
  let i = 0;
  const primary = (): boolean => {
    const t = tokens[i++];
    switch (t) {
      case "!":
        return !primary();
      case "(": {
        const v = or();
        if (tokens[i++] !== ")") throw new ConditionError(`unbalanced parentheses: ${expression}`);
        return v;
      }
      case "success()":
        return !failed;
      case "failure()":
        return failed;
      case "true":
        return true;
      case "false":
        return false;
      default:
        throw new ConditionError(`cannot parse 'if' expression: ${expression}`);
    }
  };
  const and = (): boolean => {
    let v = primary();
    while (tokens[i] === "&&") {
      i++;
      const right = primary();
      v = v && right;
    }
    return v;
  };
  const or = (): boolean => {
    let v = and();
    while (tokens[i] === "||") {
      i++;
      const right = and();
      v = v || right;
    }
    return v;
  };
  const value = or();
  if (i !== tokens.length) throw new ConditionError(`cannot parse 'if' expression: ${expression}`);
  return value;
}
