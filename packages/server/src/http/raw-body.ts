/** A route scope whose request bodies reach handlers as the untouched request stream. */
import type { FastifyInstance } from "fastify";

/**
 * Registers `routes` in a child scope with no body parsers except a pass-through for every
 * content type (even `application/json`: an uploaded JSON file is object bytes, not a request).
 * Body size limits do not apply; handlers stream `request.raw` themselves.
 */
export function withRawBodies(
  app: FastifyInstance,
  routes: (scope: FastifyInstance) => void,
): void {
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", (_request, payload, done) => done(null, payload));
    routes(scope);
  });
}
