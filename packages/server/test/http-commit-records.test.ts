/**
 * Raw commit records (`POST /repositories/{repo}/commits`, lakeFS's internal CreateCommitRecord,
 * issue #11 item 9): stored as given when the id is the record's content address.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { commitId } from "../src/engine/commit-id.js";
import { openApi, type TestApi } from "./http-helpers.js";

describe("HTTP commit records", () => {
  let api: TestApi;
  before(async () => {
    api = await openApi();
  });
  after(() => api?.close());

  /** A record for an existing commit's content with a different message, and its id. */
  async function recordFor(repo: string, message: string) {
    await api.upload(repo, "main", "f.txt", "f");
    const head = await api.commit(repo, "main", "base");
    const record = {
      version: 1,
      committer: "restorer",
      message,
      metarange_id: head.meta_range_id,
      creation_date: 1_700_000_000,
      parents: [head.id],
      metadata: { origin: "restore" },
      generation: 3,
    };
    return { head, record };
  }

  it("stores a record whose id is its content address, without moving branches", async () => {
    const repo = await api.createRepo("records-basic");
    const { head, record } = await recordFor(repo, "restored");
    const wrong = await api.call("POST", `/repositories/${repo}/commits`, {
      json: { ...record, commit_id: "a".repeat(64) },
    });
    assert.deepEqual(
      [wrong.status, wrong.json.message],
      [400, "commit id: invalid value: validation error"],
    );

    const id = await contentId(repo, record);
    const created = await api.call("POST", `/repositories/${repo}/commits`, {
      json: { ...record, commit_id: id },
    });
    assert.equal(created.status, 204, created.text);
    assert.equal(created.text, "");

    const got = (await api.call("GET", `/repositories/${repo}/commits/${id}`)).json;
    assert.deepEqual(
      {
        id: got.id,
        committer: got.committer,
        message: got.message,
        parents: got.parents,
        metadata: got.metadata,
        creation_date: got.creation_date,
        meta_range_id: got.meta_range_id,
        generation: got.generation,
      },
      {
        id,
        committer: "restorer",
        message: "restored",
        parents: [head.id],
        metadata: { origin: "restore" },
        creation_date: 1_700_000_000,
        meta_range_id: record.metarange_id,
        generation: 3,
      },
    );
    const branch = (await api.call("GET", `/repositories/${repo}/branches/main`)).json;
    assert.equal(branch.commit_id, head.id);
    // The record is a real commit: a branch can start from it and read its tree.
    const made = await api.call("POST", `/repositories/${repo}/branches`, {
      json: { name: "restored", source: id },
    });
    assert.equal(made.status, 201);
    const obj = await api.call("GET", `/repositories/${repo}/refs/restored/objects?path=f.txt`);
    assert.equal(obj.text, "f");

    const again = await api.call("POST", `/repositories/${repo}/commits`, {
      json: { ...record, commit_id: id },
      contract: false,
    });
    assert.deepEqual([again.status, again.json.message], [409, "conflict found"]);
  });

  it("validates the body, the metarange, the repository and read-only", async () => {
    const repo = await api.createRepo("records-bad");
    const { record } = await recordFor(repo, "x");
    const id = await contentId(repo, record);
    for (const missing of ["commit_id", "version", "committer", "message", "metarange_id"]) {
      const json: Record<string, unknown> = { ...record, commit_id: id };
      delete json[missing];
      const r = await api.call("POST", `/repositories/${repo}/commits`, { json, contract: false });
      assert.equal(r.status, 400, missing);
    }
    for (const bad of [{ version: 2 }, { parents: "p" }, { creation_date: "now" }]) {
      const r = await api.call("POST", `/repositories/${repo}/commits`, {
        json: { ...record, commit_id: id, ...bad },
        contract: false,
      });
      assert.equal(r.status, 400, JSON.stringify(bad));
    }

    const noTree = { ...record, metarange_id: "f".repeat(64) };
    const missingTree = await api.call("POST", `/repositories/${repo}/commits`, {
      json: { ...noTree, commit_id: await contentId(repo, noTree) },
    });
    assert.deepEqual([missingTree.status, missingTree.json.message], [404, "metarange not found"]);

    const noRepo = await api.call("POST", "/repositories/no-such-repo/commits", {
      json: { ...record, commit_id: id },
    });
    assert.deepEqual([noRepo.status, noRepo.json.message], [404, "repository not found"]);

    const ro = await api.createRepo("records-ro", { read_only: true });
    const refused = await api.call("POST", `/repositories/${ro}/commits`, {
      json: {
        ...record,
        metarange_id: "",
        commit_id: await contentId(ro, { ...record, metarange_id: "" }),
      },
    });
    assert.deepEqual([refused.status, refused.json.message], [403, "read-only repository"]);
    const forced = await api.call("POST", `/repositories/${ro}/commits`, {
      json: {
        ...record,
        metarange_id: "",
        parents: [],
        force: true,
        commit_id: await contentId(ro, { ...record, metarange_id: "", parents: [] }),
      },
    });
    assert.equal(forced.status, 204, forced.text);
  });

  /** The content address the server checks a record's id against. */
  async function contentId(_repo: string, record: Record<string, unknown>): Promise<string> {
    return commitId({
      committer: record.committer as string,
      message: record.message as string,
      metarangeId: record.metarange_id as string,
      creationDate: record.creation_date as number,
      metadata: (record.metadata ?? {}) as Record<string, string>,
      parents: record.parents as string[],
    });
  }
});
