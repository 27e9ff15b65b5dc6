/** Node-only: reads the lakectl YAML file for `config.ts` (`LAKECTL_CONFIG_FILE` or `~/.lakectl.yaml`). */
/// <reference types="node" />
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { type Environment, type LakectlFile, registerLakectlFileReader } from "../config.js";
import { ConfigurationError } from "../errors.js";

/** The lakectl file path: `LAKECTL_CONFIG_FILE` when set, else `~/.lakectl.yaml`. */
export function lakectlConfigPath(env: Environment): string {
  const configured = env.LAKECTL_CONFIG_FILE?.trim();
  return configured ? configured : join(homedir(), ".lakectl.yaml");
}

/** Reads and parses the lakectl file; a missing file is not an error, a malformed one is. */
export function readLakectlFile(env: Environment): LakectlFile | undefined {
  const path = lakectlConfigPath(env);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new ConfigurationError(`cannot read ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  try {
    return { path, content: parse(text) };
  } catch (error) {
    throw new ConfigurationError(`${path} is not valid YAML: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

registerLakectlFileReader(readLakectlFile);
