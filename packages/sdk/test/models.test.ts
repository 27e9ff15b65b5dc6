import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Schema } from "../src/api/index.js";
import { toCommit, toImportStatus, toListingEntry, toServerConfiguration } from "../src/models.js";

const storage = (id: string, presign: boolean): Schema<"StorageConfig"> => ({
  blockstore_id: id,
  blockstore_type: id === "" ? "local" : "s3",
  blockstore_namespace_example: "local://example",
  blockstore_namespace_ValidityRegex: "^local://",
  pre_sign_support: presign,
  pre_sign_support_ui: presign,
  import_support: true,
  import_validity_regex: "^local://",
});

describe("models", () => {
  it("keeps each storage's own settings, the default one first", () => {
    const config = toServerConfiguration({
      version_config: { version: "1.84.0" },
      storage_config: storage("", false),
      storage_config_list: [storage("", false), storage("s3-main", true)],
    });
    assert.equal(config.version, "1.84.0");
    assert.deepEqual(
      config.storages.map((s) => [s.blockstoreId, s.preSignSupport, s.blockstoreType]),
      [
        ["", false, "local"],
        ["s3-main", true, "s3"],
      ],
    );
    assert.equal(config.storages[0]?.blockstoreNamespaceValidityRegex, "^local://");
    // A server that sends only the list, and one that reports no version.
    assert.deepEqual(
      toServerConfiguration({ storage_config_list: [storage("a", true)] }).storages.map(
        (s) => s.blockstoreId,
      ),
      ["a"],
    );
    assert.equal(toServerConfiguration({}).version, "");
  });

  it("converts epoch seconds to Dates and fills optional collections", () => {
    const commit = toCommit({
      id: "c",
      parents: ["p"],
      committer: "me",
      message: "m",
      creation_date: 1_700_000_000,
      meta_range_id: "",
    });
    assert.equal(commit.creationDate.toISOString(), "2023-11-14T22:13:20.000Z");
    assert.deepEqual(commit.metadata, {});
    const status = toImportStatus({
      completed: false,
      update_time: "2024-01-02T03:04:05Z",
      error: { message: "Canceled" },
    });
    assert.equal(status.error, "Canceled");
    assert.equal(status.updateTime.toISOString(), "2024-01-02T03:04:05.000Z");
  });

  it("tells objects from common prefixes in listings", () => {
    const base = { physical_address: "x", checksum: "c", mtime: 1 };
    assert.deepEqual(toListingEntry({ path: "d/", path_type: "common_prefix", ...base }), {
      kind: "common_prefix",
      path: "d/",
    });
    const obj = toListingEntry({ path: "f", path_type: "object", size_bytes: 3, ...base });
    assert.equal(obj.kind, "object");
    assert.equal(obj.kind === "object" && obj.mtime.getTime(), 1000);
  });
});
