/** Symlink files for Hive-style readers: `POST /repositories/{repo}/refs/{branch}/symlink`. */
import type { Schema } from "lakefs-ts/api";
import { createSymlinkFiles } from "../../service/symlinks.js";
import type { RouteArea } from "../context.js";
import { operation, type Route } from "../validation.js";

export const symlinkRoutes: RouteArea = (app, { engine, blocks }) => {
  app.post<Route<"createSymlinkFile">>(
    "/repositories/:repository/refs/:branch/symlink",
    { schema: operation("createSymlinkFile") },
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
