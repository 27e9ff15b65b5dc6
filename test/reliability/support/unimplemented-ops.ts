/**
 * Prints, `|`-separated, the swagger operationIds the server at argv[2] (its /api/v1 endpoint)
 * answers with 501 "not implemented": by design, so schemathesis should not count them.
 */
import { call } from "./api.js";
import { fillPath, loadSpec } from "./swagger.js";

const endpoint = process.argv[2];
if (!endpoint) throw new Error("usage: unimplemented-ops.ts ENDPOINT");
const ids: string[] = [];
for (const op of loadSpec().operations) {
  const path = fillPath(op.path, (name) => `${name}-probe`);
  const res = await call(endpoint, op.method, path, op.jsonBody ? { json: {} } : {});
  if (res.status === 501) ids.push(op.operationId);
}
console.log(ids.join("|"));
