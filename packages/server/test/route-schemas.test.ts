/**
 * The route schemas generated from the vendored lakeFS OpenAPI document: the committed module is
 * what the generator writes today, and `operation()` layers overrides onto it as documented.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
// @ts-expect-error: a plain ESM script without type declarations
import { OUTPUT_FILE, routeSchemasModule, SPEC_FILE } from "../../../scripts/gen-route-schemas.mjs";
import { operation } from "../src/http/validation.js";

describe("generated route schemas", () => {
  it("are up to date with test/support/lakefs-api.json (else run `npm run gen:routes`)", () => {
    const spec = JSON.parse(readFileSync(SPEC_FILE, "utf8"));
    assert.equal(readFileSync(OUTPUT_FILE, "utf8"), routeSchemasModule(spec));
  });

  it("carry the spec's types, defaults, bounds and required parameters, without prose", () => {
    const list = operation("listBranches") as Record<string, { properties: object }>;
    assert.deepEqual(list.params, {
      type: "object",
      properties: { repository: { type: "string" } },
      required: ["repository"],
    });
    assert.deepEqual(list.querystring!.properties, {
      prefix: { type: "string" },
      after: { type: "string" },
      amount: { type: "integer", default: 100, minimum: -1, maximum: 1000 },
      show_hidden: { type: "boolean", default: false },
    });
    const reset = operation("resetBranch") as { body: object };
    assert.deepEqual(reset.body, {
      type: "object",
      properties: {
        type: { type: "string", enum: ["object", "common_prefix", "reset"] },
        path: { type: "string" },
        force: { type: "boolean", default: false },
      },
      required: ["type"],
    });
    // No prose ("description" is also a property name, e.g. of a group, so it is not checked).
    assert.doesNotMatch(readFileSync(OUTPUT_FILE, "utf8"), /\b(summary|example|externalDocs):/);
  });

  it("layer overrides over single properties and refuse names the spec does not have", () => {
    const copy = operation("copyObject", { body: { src_path: { type: "string", minLength: 1 } } });
    const body = (copy as { body: { properties: Record<string, object>; required: string[] } })
      .body;
    assert.deepEqual(body.properties.src_path, { type: "string", minLength: 1 });
    assert.deepEqual(body.properties.force, { type: "boolean", default: false });
    assert.deepEqual(body.required, ["src_path"]);
    // The generated schema itself is untouched.
    const plain = operation("copyObject") as { body: { properties: Record<string, object> } };
    assert.deepEqual(plain.body.properties.src_path, { type: "string" });
    assert.throws(
      () => operation("copyObject", { body: { srcPath: { type: "string" } } }),
      /copyObject: the spec has no body "srcPath"/,
    );
    assert.throws(
      () => operation("getBranch", { querystring: { x: { type: "string" } } }),
      /getBranch: the spec has no querystring "x"/,
    );
  });
});
