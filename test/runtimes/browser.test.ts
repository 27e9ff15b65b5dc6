/**
 * The quick example in headless Chromium: the browser bundle of the core, loaded by a page from a
 * loopback server that also forwards `/api/` to an embedded lakeFS server. Uses the system
 * Chromium (Debian package `chromium`) through playwright-core; never downloads a browser.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import {
  EXPECTED_QUICK_EXAMPLE,
  type QuickExampleResult,
  type QuickExampleTarget,
} from "./quick-example.js";
import { bundleCore, transpileModule } from "./support/bundle.js";
import { type EmbeddedServer, startEmbedded } from "./support/embedded.js";
import { type PageFile, type PageServer, startPageServer } from "./support/page-server.js";
import { EXPECTED_UPLOAD_PATHS, type UploadPathsResult } from "./upload-paths.js";

const chromiumPath = process.env.LAKEFS_TS_CHROMIUM ?? "/usr/bin/chromium";
const skip = existsSync(chromiumPath)
  ? false
  : `no Chromium at ${chromiumPath} (apt-get install chromium, or set LAKEFS_TS_CHROMIUM)`;

const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>lakefs-ts browser check</title>
<script type="module">
  import * as sdk from "/lakefs-ts.js";
  import { runQuickExample } from "/quick-example.js";
  import { runUploadPaths } from "/upload-paths.js";
  window.quickExample = (target) => runQuickExample(sdk, target);
  window.uploadPaths = (target) => runUploadPaths(sdk, target);
</script>
`;

declare global {
  interface Window {
    quickExample(target: QuickExampleTarget): Promise<QuickExampleResult>;
    uploadPaths(target: QuickExampleTarget): Promise<UploadPathsResult>;
  }
}

/** A module of this folder (type-only imports), transpiled for the page. */
async function pageModule(file: string): Promise<PageFile> {
  const source = readFileSync(fileURLToPath(new URL(file, import.meta.url)), "utf8");
  return { contentType: "text/javascript", body: await transpileModule(source) };
}

let lakefs: EmbeddedServer;
let page: PageServer;
let browser: Browser;

before(async () => {
  if (skip) return;
  lakefs = await startEmbedded();
  page = await startPageServer(
    {
      "/": { contentType: "text/html; charset=utf-8", body: PAGE },
      "/lakefs-ts.js": { contentType: "text/javascript", body: (await bundleCore()).code },
      "/quick-example.js": await pageModule("quick-example.ts"),
      "/upload-paths.js": await pageModule("upload-paths.ts"),
    },
    lakefs.server.url,
  );
  // Root (as in CI) cannot use Chromium's sandbox; containers often have a tiny /dev/shm.
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ["--no-sandbox", "--disable-dev-shm-usage"],
  });
});

after(async () => {
  await browser?.close();
  await page?.close();
  await lakefs?.close();
});

/** A fresh tab (own context) with the page loaded and `window.quickExample` ready. */
async function openPage(): Promise<{ tab: Page; pageErrors: string[]; close(): Promise<void> }> {
  const context = await browser.newContext();
  const tab = await context.newPage();
  const pageErrors: string[] = [];
  tab.on("pageerror", (err) => pageErrors.push(err.message));
  await tab.goto(page.url);
  await tab.waitForFunction(() => typeof window.quickExample === "function");
  return { tab, pageErrors, close: () => context.close() };
}

test("the quick example runs in headless Chromium", { skip }, async () => {
  const { tab, pageErrors, close } = await openPage();
  try {
    // A browser has no Node globals for the SDK to lean on.
    assert.deepEqual(
      await tab.evaluate(() => [
        typeof (globalThis as { process?: unknown }).process,
        typeof (globalThis as { Buffer?: unknown }).Buffer,
      ]),
      ["undefined", "undefined"],
    );
    const result = await tab.evaluate(
      (t) => window.quickExample(t),
      lakefs.target("browser-repo", page.url),
    );
    assert.deepEqual(result, EXPECTED_QUICK_EXAMPLE);
    assert.deepEqual(pageErrors, []);
  } finally {
    await close();
  }
});

test("unknown-length uploads (writer, stream with progress) are stored whole from the page", {
  skip,
}, async () => {
  const { tab, pageErrors, close } = await openPage();
  try {
    const result = await tab.evaluate(
      (t) => window.uploadPaths(t),
      lakefs.target("browser-uploads", page.url),
    );
    assert.deepEqual(result, EXPECTED_UPLOAD_PATHS);
    assert.deepEqual(pageErrors, []);
  } finally {
    await close();
  }
});

test("server errors reach the page as typed SDK errors", { skip }, async () => {
  const { tab, close } = await openPage();
  try {
    // A second run on the same repository fails at create: 409 → ConflictError.
    const target = lakefs.target("browser-conflict", page.url);
    await tab.evaluate((t) => window.quickExample(t), target);
    const second = await tab.evaluate(
      (t) =>
        window.quickExample(t).then(
          () => "no error",
          (err: Error) => `${err.name}: ${err.message}`,
        ),
      target,
    );
    assert.match(second, /^ConflictError: /);
  } finally {
    await close();
  }
});
