/**
 * Argument validation with lakeFS's messages (`argument <name>: <reason>`), and paging limits.
 */
import { badRequest } from "../core/errors.js";

const INVALID = "invalid value: validation error";
const REQUIRED = "required value: validation error";

const REPO_ID = /^[a-z0-9][a-z0-9-]{2,62}$/;
const BRANCH_ID = /^\w[-\w]*$/;
const REF = /^[^\s]+$/;
const MAX_PATH_BYTES = 1024;

/** lakeFS's listing limits: default 100, max 1000, values ≤ 0 mean the default. */
const DEFAULT_AMOUNT = 100;
const MAX_AMOUNT = 1000;

export function pageSize(amount: number | undefined): number {
  if (amount === undefined || !Number.isFinite(amount) || amount <= 0) return DEFAULT_AMOUNT;
  return Math.min(Math.floor(amount), MAX_AMOUNT);
}

export function validateRepositoryId(id: string, arg = "repository"): void {
  if (!id) throw badRequest(`argument ${arg}: ${REQUIRED}`);
  if (!REPO_ID.test(id)) throw badRequest(`argument ${arg}: repository id: ${INVALID}`);
}

export function validateBranchId(id: string, arg = "branch"): void {
  if (!id) throw badRequest(`argument ${arg}: ${REQUIRED}`);
  if (!BRANCH_ID.test(id)) throw badRequest(`argument ${arg}: branch id: ${INVALID}`);
}

export function validateRef(ref: string, arg = "ref"): void {
  if (!ref) throw badRequest(`argument ${arg}: ${REQUIRED}`);
  if (!REF.test(ref)) throw badRequest(`argument ${arg}: reference: ${INVALID}`);
}

export function validatePath(path: string, arg = "path"): void {
  if (!path) throw badRequest(`argument ${arg}: ${REQUIRED}`);
  if (Buffer.byteLength(path, "utf8") > MAX_PATH_BYTES) {
    throw badRequest(`argument ${arg}: path: ${INVALID}`);
  }
}

/** git-check-ref-format-like tag rules (lakeFS's). */
export function validateTagId(id: string, arg = "tag"): void {
  if (!id) throw badRequest(`argument ${arg}: ${REQUIRED}`);
  const bad =
    id === "@" ||
    id.endsWith(".") ||
    id.endsWith(".lock") ||
    id.includes("..") ||
    id.includes("/") ||
    id.includes("@{") ||
    /[\s^:?*[\\]|\p{Cc}/u.test(id);
  if (bad) throw badRequest(`argument ${arg}: tag id: ${INVALID}`);
}
