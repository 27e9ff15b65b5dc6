/**
 * lakeFS API operations this server does not offer (RBAC administration, uncommitted-GC
 * preparation, ...). They answer 501 rather than 404, so clients can tell "not supported here"
 * from "no such path". docs/compatibility.md says why each one is here.
 */
import type { HTTPMethods, RouteHandlerMethod } from "fastify";
import type { RouteArea } from "../context.js";
import { sendError } from "../errors.js";

const R = "/repositories/:repository";

const OPERATIONS: readonly (readonly [HTTPMethods, string])[] = [
  ["POST", "/auth/users"],
  ["DELETE", "/auth/users/:userId"],
  ["GET", "/auth/users/:userId/credentials"],
  ["POST", "/auth/users/:userId/credentials"],
  ["GET", "/auth/users/:userId/credentials/:accessKeyId"],
  ["DELETE", "/auth/users/:userId/credentials/:accessKeyId"],
  ["GET", "/auth/users/:userId/groups"],
  ["GET", "/auth/users/:userId/policies"],
  ["PUT", "/auth/users/:userId/policies/:policyId"],
  ["DELETE", "/auth/users/:userId/policies/:policyId"],
  ["POST", "/auth/users/:userId/external/principals"],
  ["DELETE", "/auth/users/:userId/external/principals"],
  ["GET", "/auth/users/:userId/external/principals/ls"],
  ["GET", "/auth/external/principals"],
  ["GET", "/auth/groups"],
  ["POST", "/auth/groups"],
  ["GET", "/auth/groups/:groupId"],
  ["DELETE", "/auth/groups/:groupId"],
  ["GET", "/auth/groups/:groupId/members"],
  ["PUT", "/auth/groups/:groupId/members/:userId"],
  ["DELETE", "/auth/groups/:groupId/members/:userId"],
  ["GET", "/auth/groups/:groupId/policies"],
  ["PUT", "/auth/groups/:groupId/policies/:policyId"],
  ["DELETE", "/auth/groups/:groupId/policies/:policyId"],
  ["GET", "/auth/groups/:groupId/acl"],
  ["POST", "/auth/groups/:groupId/acl"],
  ["GET", "/auth/policies"],
  ["POST", "/auth/policies"],
  ["GET", "/auth/policies/:policyId"],
  ["PUT", "/auth/policies/:policyId"],
  ["DELETE", "/auth/policies/:policyId"],
  ["PUT", `${R}/branches/:branch/staging/pmpu/:uploadId/parts/:partNumber/copy`],
  ["PUT", `${R}/branches/:branch/objects`],
];

/** Login flows lakeFS serves without credentials (SSO / STS), also unsupported here. */
const PUBLIC_OPERATIONS: readonly (readonly [HTTPMethods, string])[] = [
  ["POST", "/auth/external/principal/login"],
  ["POST", "/sts/login"],
  ["GET", "/oidc/callback"],
];

export const unimplementedRoutes: RouteArea = (app) => {
  const handler: RouteHandlerMethod = async (_req, reply) =>
    sendError(reply, 501, "not implemented");
  for (const [method, url] of OPERATIONS) app.route({ method, url, handler });
  for (const [method, url] of PUBLIC_OPERATIONS) {
    app.route({ method, url, handler, config: { public: true } });
  }
};
