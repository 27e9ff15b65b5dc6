/** Symlink files for Hive-style readers: `POST /repositories/{repo}/refs/{branch}/symlink`. */
import type { Schema } from "lakefs-ts/api";
import { createSymlinkFiles } from "../../service/symlinks.js";
import type { RouteArea } from "../context.js";
import { object, str } from "../validation.js";

interface SymlinkParams {
  repository: string;
  branch: string;
}

export const symlinkRoutes: RouteArea = (app, { engine, blocks }) => {
  app.post<{ Params: SymlinkParams; Querystring: { location?: string } }>(
    "/repositories/:repository/refs/:branch/symlink",
    {
      schema: {
        params: object({ repository: str, branch: str }, ["repository", "branch"]),
        querystring: object({ location: str }),
      },
    },
    async (req, reply): Promise<Schema<"StorageURI">> => {
      const { repository, branch } = req.params;
      const location = await createSymlinkFiles(
        engine,
        blocks,
        repository,
        branch,
        req.query.location ?? "",
      );
      reply.code(201);
      return { location };
    },
  );
};
