/** What every route needs: the services behind the HTTP layer and the authenticated caller. */
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ActionsService } from "../actions/service.js";
import type { AuthService } from "../auth/credentials.js";
import type { Presigner } from "../auth/presign.js";
import type { LocalBlockStore } from "../block/local.js";
import type { Engine } from "../engine/engine.js";
import type { Repository } from "../engine/types.js";
import type { ObjectWrites } from "../service/object-writes.js";
import { operation, type Route } from "./validation.js";

export interface HttpServices {
  readonly engine: Engine;
  /** Hooks of `_lakefs_actions/` around versioning operations, and their runs. */
  readonly actions: ActionsService;
  readonly blocks: LocalBlockStore;
  /** Upload, copy, link and multipart completion (the REST API and the S3 gateway). */
  readonly objects: ObjectWrites;
  readonly auth: AuthService;
  readonly presigner: Presigner;
  readonly version: string;
  /** Presigned URLs and presigned multipart uploads are offered. */
  readonly presign: boolean;
  /** Directories `local://` imports may read from; empty means import is refused. */
  readonly importRoots: readonly string[];
}

/** The caller a request was authenticated as. */
export interface Caller {
  readonly username: string;
}

declare module "fastify" {
  interface FastifyRequest {
    caller: Caller | null;
  }
  interface FastifyContextConfig {
    /** The route needs no credentials (healthcheck, setup, login). */
    public?: boolean;
  }
}

/** A function that registers one API area's routes on the `/api/v1` scope. */
export type RouteArea = (app: FastifyInstance, services: HttpServices) => void;

/** The committer recorded for commits: the authenticated user's name. */
export function committerOf(request: FastifyRequest): string {
  return request.caller?.username ?? "";
}

/** A repository and the directory of its storage namespace (404 when the repository is unknown). */
export async function repositoryStorage(
  services: HttpServices,
  repositoryId: string,
): Promise<{ repository: Repository; nsDir: string }> {
  const repository = await services.engine.getRepository(repositoryId);
  return { repository, nsDir: services.blocks.namespaceDir(repository.storageNamespace) };
}

/**
 * A `…/set_allowed` preflight (204): every caller may manage these settings (there is no RBAC),
 * so it only checks that the repository exists.
 */
export function preflightRoute(
  app: FastifyInstance,
  services: HttpServices,
  url: string,
  id: "createBranchProtectionRulePreflight" | "setGarbageCollectionRulesPreflight",
): void {
  app.get<Route<typeof id>>(url, { schema: operation(id) }, async (req, reply) => {
    await services.engine.getRepository(req.params.repository);
    return reply.code(204).send();
  });
}
