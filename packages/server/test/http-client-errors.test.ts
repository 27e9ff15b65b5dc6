import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { connect } from "node:net";
import { after, before, describe, it } from "node:test";
import { openApi, type TestApi } from "./http-helpers.js";

const md5 = (data: string) => createHash("md5").update(data).digest("hex");

/** Sends `raw` on a fresh connection and collects everything until the server closes it. */
function exchange(url: URL, raw: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    let received = "";
    socket.on("connect", () => socket.write(raw));
    socket.on("data", (chunk) => {
      received += chunk.toString("latin1");
    });
    socket.on("error", reject);
    socket.on("close", () => resolve(received));
  });
}

/** The status lines of the responses in `received`, in order. */
const statusLines = (received: string) => received.match(/^HTTP\/1\.1 \d{3}[^\r]*/gm) ?? [];

describe("HTTP client errors answer in request order", () => {
  let api: TestApi;
  let repo: string;
  before(async () => {
    api = await openApi({ presign: true });
    repo = await api.createRepo("client-errors");
  });
  after(() => api?.close());

  it("answers a presigned PUT whose body runs past Content-Length first, then rejects the rest", async () => {
    const backing = await api.call(
      "GET",
      `/repositories/${repo}/branches/main/staging/backing?path=spooled.bin&presign=true`,
    );
    const url = new URL(backing.json.presigned_url);
    const body = "valid bytes";
    const received = await exchange(
      url,
      `PUT ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\n` +
        `Content-Length: ${body.length}\r\n\r\n${body}` +
        "trailing bytes the client wrote behind the writer's back\r\n\r\n",
    );
    const lines = statusLines(received);
    assert.equal(lines[0], "HTTP/1.1 200 OK", received);
    assert.match(received, new RegExp(`etag: "${md5(body)}"`, "i"));
    assert.deepEqual(lines.slice(1), ["HTTP/1.1 400 Bad Request"]);

    // The upload itself went through: the address links with the bytes' size and checksum.
    const linked = await api.call(
      "PUT",
      `/repositories/${repo}/branches/main/staging/backing?path=spooled.bin`,
      {
        json: {
          staging: { physical_address: backing.json.physical_address },
          checksum: md5(body),
          size_bytes: body.length,
        },
      },
    );
    assert.equal(linked.status, 200, linked.text);
    const got = await api.call("GET", `/repositories/${repo}/refs/main/objects?path=spooled.bin`);
    assert.equal(got.text, body);
  });

  it("answers a request that cannot be parsed at all with 400 and closes", async () => {
    const received = await exchange(new URL(api.server.url), "NOT HTTP AT ALL\r\n\r\n");
    assert.deepEqual(statusLines(received), ["HTTP/1.1 400 Bad Request"]);
  });

  it("answers pipelined valid requests before the garbage that follows them", async () => {
    const url = new URL(api.server.url);
    const get = `GET /api/v1/healthcheck HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`;
    const received = await exchange(url, `${get}${get}\u0001\u0002garbage\r\n\r\n`);
    assert.deepEqual(statusLines(received), [
      "HTTP/1.1 204 No Content",
      "HTTP/1.1 204 No Content",
      "HTTP/1.1 400 Bad Request",
    ]);
  });
});
