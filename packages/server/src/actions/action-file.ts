/**
 * Action files (`_lakefs_actions/*.yaml`): parsing and validation with lakeFS's rules, and
 * matching an action against an event on a branch.
 */
import { parse as parseYaml } from "yaml";
import { type EventType, isEventType } from "./events.js";
import { globMatch } from "./glob.js";

/** Hook types lakeFS knows; which of them run here is decided by `hook-types.ts`. */
export type HookType = "webhook" | "lua" | "airflow";

export interface ActionHook {
  readonly id: string;
  readonly type: HookType;
  readonly description: string;
  /** `if` expression (`success()`, `failure()`, …); empty means "run while nothing failed". */
  readonly if: string;
  readonly properties: Readonly<Record<string, unknown>>;
}

export interface Action {
  readonly name: string;
  readonly description: string;
  /** Events this action runs on, each with optional branch globs (none = every branch). */
  readonly on: ReadonlyMap<EventType, readonly string[]>;
  readonly hooks: readonly ActionHook[];
}

/** A file that does not describe a valid action; the message says why. */
export class InvalidActionError extends Error {}

const ACTION_NAME = /^\w[\w\-. ]+$/;
const HOOK_ID = /^[_a-zA-Z][-_a-zA-Z0-9]{1,255}$/;
const HOOK_TYPES: readonly string[] = ["webhook", "lua", "airflow"];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function optionalString(value: unknown, what: string): string {
  if (value === undefined || value === null) return "";
  if (typeof value !== "string") throw new InvalidActionError(`'${what}' must be a string`);
  return value;
}

function parseOn(raw: unknown): Map<EventType, readonly string[]> {
  if (!isRecord(raw) || Object.keys(raw).length === 0) {
    throw new InvalidActionError("'on' is required");
  }
  const on = new Map<EventType, readonly string[]>();
  for (const [event, spec] of Object.entries(raw)) {
    if (!isEventType(event)) throw new InvalidActionError(`event '${event}' is not supported`);
    if (spec === null || spec === undefined) {
      on.set(event, []);
      continue;
    }
    if (!isRecord(spec)) throw new InvalidActionError(`event '${event}': expected a mapping`);
    for (const key of Object.keys(spec)) {
      if (key !== "branches")
        throw new InvalidActionError(`event '${event}': unknown key '${key}'`);
    }
    const branches = spec.branches ?? [];
    if (!Array.isArray(branches) || branches.some((b) => typeof b !== "string")) {
      throw new InvalidActionError(`event '${event}': 'branches' must be a list of strings`);
    }
    if (branches.length > 0 && event.includes("tag")) {
      throw new InvalidActionError("'branches' is not supported in tag event types");
    }
    for (const glob of branches as string[]) globMatch(glob, ""); // rejects malformed globs
    on.set(event, branches as string[]);
  }
  return on;
}

function parseHooks(raw: unknown): ActionHook[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new InvalidActionError("'hooks' must be a list");
  const ids = new Set<string>();
  return raw.map((hook, i) => {
    if (!isRecord(hook)) throw new InvalidActionError(`hook[${i}] must be a mapping`);
    const id = typeof hook.id === "string" ? hook.id : "";
    if (!HOOK_ID.test(id)) throw new InvalidActionError(`hook[${i}] missing ID`);
    if (ids.has(id)) throw new InvalidActionError(`hook[${i}] duplicate ID '${id}'`);
    ids.add(id);
    const type = typeof hook.type === "string" ? hook.type : "";
    if (!HOOK_TYPES.includes(type)) {
      throw new InvalidActionError(`hook[${i}] type '${type}' unknown`);
    }
    const properties = hook.properties ?? {};
    if (!isRecord(properties)) {
      throw new InvalidActionError(`hook[${i}] 'properties' must be a mapping`);
    }
    return {
      id,
      type: type as HookType,
      description: optionalString(hook.description, `hook[${i}].description`),
      if: optionalString(hook.if, `hook[${i}].if`),
      properties,
    };
  });
}

/** Parses and validates one action file; throws `InvalidActionError` with the reason. */
export function parseAction(text: string): Action {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new InvalidActionError(`invalid YAML: ${(err as Error).message.split("\n")[0]}`);
  }
  if (!isRecord(doc)) throw new InvalidActionError("expected a mapping at the top level");
  const name = optionalString(doc.name, "name");
  if (name === "") throw new InvalidActionError("'name' is required");
  if (!ACTION_NAME.test(name)) throw new InvalidActionError("'name' is invalid");
  return {
    name,
    description: optionalString(doc.description, "description"),
    on: parseOn(doc.on),
    hooks: parseHooks(doc.hooks),
  };
}

/** Whether `action` runs for `event` on `branch` (no branch globs: every branch). */
export function matches(action: Action, event: EventType, branch: string): boolean {
  const globs = action.on.get(event);
  if (globs === undefined) return false;
  return globs.length === 0 || globs.some((glob) => globMatch(glob, branch));
}

/** Two actions of one ref may not share a name. */
export function checkUniqueNames(actions: readonly Action[]): void {
  const seen = new Set<string>();
  for (const action of actions) {
    if (seen.has(action.name)) {
      throw new InvalidActionError(`action name '${action.name}' already loaded`);
    }
    seen.add(action.name);
  }
}
