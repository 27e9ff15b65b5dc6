/**
 * The lakefs-ts half of the cross-SDK check (test_cross_sdk.py): reads one JSON request on stdin,
 * performs it with the TypeScript SDK and prints the JSON result on stdout. Bytes travel as base64.
 *
 *   { endpoint, accessKeyId, secretAccessKey, repository, action: "write", branch, preSign?,
 *     objects: [{ path, data, contentType?, metadata? }] }                    → ObjectStat[]
 *   { ..., action: "read", ref, preSign?, paths: [path] }                     → ObjectStat & data
 *   { ..., action: "commit", branch, message, metadata? }                     → { id }
 *   { ..., action: "getCommit", ref }                                         → commit fields
 */
import { Client, type ObjectInfo, repository } from "lakefs-ts";

interface Request {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  repository: string;
  action: "write" | "read" | "commit" | "getCommit";
  branch?: string;
  ref?: string;
  preSign?: boolean;
  objects?: {
    path: string;
    data: string;
    contentType?: string;
    metadata?: Record<string, string>;
  }[];
  paths?: string[];
  message?: string;
  metadata?: Record<string, string>;
}

function describe(info: ObjectInfo) {
  return {
    path: info.path,
    checksum: info.checksum,
    sizeBytes: info.sizeBytes,
    contentType: info.contentType,
    metadata: info.metadata,
  };
}

async function perform(req: Request): Promise<unknown> {
  const client = new Client({
    endpoint: req.endpoint,
    credentials: { accessKeyId: req.accessKeyId, secretAccessKey: req.secretAccessKey },
  });
  const repo = repository(req.repository, { client });
  switch (req.action) {
    case "write": {
      const branch = repo.branch(req.branch ?? "main");
      const written = [];
      for (const o of req.objects ?? []) {
        const info = await branch.object(o.path).upload(Buffer.from(o.data, "base64"), {
          contentType: o.contentType,
          metadata: o.metadata,
          preSign: req.preSign,
        });
        written.push(describe(info));
      }
      return written;
    }
    case "read": {
      const ref = repo.ref(req.ref ?? "main");
      const read = [];
      for (const path of req.paths ?? []) {
        const object = ref.object(path);
        const data = await object.bytes({ preSign: req.preSign });
        read.push({ ...describe(await object.stat()), data: Buffer.from(data).toString("base64") });
      }
      return read;
    }
    case "commit": {
      const commit = await repo
        .branch(req.branch ?? "main")
        .commit(req.message ?? "", { metadata: req.metadata });
      return { id: commit.id };
    }
    case "getCommit": {
      const c = await repo.ref(req.ref ?? "main").getCommit();
      return {
        id: c.id,
        message: c.message,
        metadata: c.metadata,
        parents: c.parents,
        creationDate: Math.floor(c.creationDate.getTime() / 1000),
      };
    }
  }
}

const chunks: Buffer[] = [];
for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
try {
  const result = await perform(JSON.parse(Buffer.concat(chunks).toString("utf8")) as Request);
  process.stdout.write(JSON.stringify(result));
} catch (err) {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exitCode = 1;
}
