/**
 * Hook property values: `{{ ENV.NAME }}` secrets filled from the server's environment (only
 * names with the allowed prefix), and Go-style durations (`30s`, `1m30s`, `500ms`).
 */

/** Property values may only read environment variables with this prefix (lakeFS's default). */
export const DEFAULT_ENV_PREFIX = "LAKEFSACTION_";

export class PropertyError extends Error {}

const ENV_REF = /\{\{\s*ENV\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

export interface EnvOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly prefix: string;
}

/**
 * Replaces every `{{ ENV.NAME }}` in `value`. A name without the prefix, or one that is unset,
 * fails the hook (the value itself is never echoed: it may be a secret).
 */
export function fillEnv(value: string, { env, prefix }: EnvOptions): string {
  return value.replace(ENV_REF, (_match, name: string) => {
    if (!name.startsWith(prefix)) {
      throw new PropertyError(`environment variable ${name} is not allowed (prefix ${prefix})`);
    }
    const found = env[name];
    if (found === undefined) throw new PropertyError(`missing env var ${name}`);
    return found;
  });
}

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** Parses a Go duration (`1h2m3.5s`, `250ms`) into milliseconds. */
export function parseDuration(text: string): number {
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
  if (text === "0") return 0;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    consumed = re.lastIndex;
  }
  if (consumed === 0 || consumed !== text.length) {
    throw new PropertyError(`invalid duration "${text}"`);
  }
  return total;
}

/** A required, non-empty string property. */
export function requiredString(properties: Readonly<Record<string, unknown>>, key: string): string {
  const value = properties[key];
  if (value === undefined) throw new PropertyError(`key ${key}: missing key in properties`);
  if (typeof value !== "string") throw new PropertyError(`value of ${key} is not of type string`);
  if (value === "") throw new PropertyError(`value of ${key} is empty`);
  return value;
}

/** A map property whose values are strings or lists of strings (query_params), env-filled. */
export function stringListMap(
  properties: Readonly<Record<string, unknown>>,
  key: string,
  envOptions: EnvOptions,
): [string, string][] {
  const raw = properties[key];
  if (raw === undefined || raw === null) return [];
  if (typeof raw !== "object" || Array.isArray(raw)) {
    throw new PropertyError(`${key}: expected a mapping`);
  }
  const out: [string, string][] = [];
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) {
      if (typeof v !== "string") throw new PropertyError(`${key}.${name}: expected a string`);
      out.push([name, fillEnv(v, envOptions)]);
    }
  }
  return out;
}
