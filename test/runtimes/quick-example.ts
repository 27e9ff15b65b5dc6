/**
 * The README's quick example as a function of the SDK module, so the very same steps run in
 * every runtime: the page passes the browser bundle, Bun and Deno pass their import of the
 * core. Type-only imports keep it loadable anywhere once transpiled.
 */
import type * as LakeFS from "lakefs-ts";

export interface QuickExampleTarget {
  /** Base URL of the server (`/api/v1` is appended by the client). */
  readonly endpoint: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** A repository id that does not exist yet. */
  readonly repository: string;
}

export interface QuickExampleResult {
  readonly text: string;
  readonly bytes: number[];
  readonly commitMessage: string;
  readonly commitMetadata: Record<string, string>;
  readonly listed: string[];
  /** Name of the error class a read of a missing object rejected with. */
  readonly missingObjectError: string;
}

/** The main branch of a freshly created repository on `target`, through a new client. */
export async function openMain(sdk: typeof LakeFS, target: QuickExampleTarget) {
  const client = new sdk.Client({
    endpoint: target.endpoint,
    credentials: { accessKeyId: target.accessKeyId, secretAccessKey: target.secretAccessKey },
  });
  const repo = await sdk
    .repository(target.repository, { client })
    .create(`local://${target.repository}`);
  return repo.branch("main");
}

export async function runQuickExample(
  sdk: typeof LakeFS,
  target: QuickExampleTarget,
): Promise<QuickExampleResult> {
  const main = await openMain(sdk, target);

  const writer = main.object("my-file.txt").writer();
  await writer.write("Hello, lakeFS!");
  await writer.close();
  await main.object("data/bytes.bin").upload(new Uint8Array([0, 1, 2, 255]));

  const commit = await main.commit("Add my-file.txt", { metadata: { runtime: "check" } });

  const reader = main.object("my-file.txt").reader({ mode: "r" });
  const text = await reader.read();
  await reader.close();
  const bytes = Array.from(await main.object("data/bytes.bin").bytes());

  const listed: string[] = [];
  for await (const entry of main.objects()) listed.push(entry.path);

  let missingObjectError = "none";
  try {
    await main.object("no/such/object").text();
  } catch (err) {
    missingObjectError = err instanceof sdk.ObjectNotFoundError ? err.name : String(err);
  }

  return {
    text,
    bytes,
    commitMessage: commit.message,
    commitMetadata: { ...commit.metadata },
    listed,
    missingObjectError,
  };
}

/** What every runtime must observe; `actual` is the JSON-decoded result. */
export const EXPECTED_QUICK_EXAMPLE: QuickExampleResult = {
  text: "Hello, lakeFS!",
  bytes: [0, 1, 2, 255],
  commitMessage: "Add my-file.txt",
  commitMetadata: { runtime: "check" },
  listed: ["data/bytes.bin", "my-file.txt"],
  missingObjectError: "ObjectNotFoundError",
};
