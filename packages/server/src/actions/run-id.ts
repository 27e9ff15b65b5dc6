/**
 * Run ids as lakeFS makes them: an xid whose time is the seconds left until the year 3000, so
 * newer runs sort first; hook-run ids are `<action index>_<hook index>`, four digits each.
 */
import { XidGenerator } from "../block/xid.js";

const YEAR_3000_SECONDS = Date.UTC(3000, 0, 1) / 1000;
const xids = new XidGenerator();

/** A new run id; ids made in a later second sort before earlier ones. */
export function newRunId(nowMs: number = Date.now()): string {
  return xids.next(Math.max(0, YEAR_3000_SECONDS - Math.floor(nowMs / 1000)));
}

export function hookRunId(actionIndex: number, hookIndex: number): string {
  return `${String(actionIndex).padStart(4, "0")}_${String(hookIndex).padStart(4, "0")}`;
}
