/**
 * The web UI end to end in headless Chromium (Debian's, through playwright-core), against an
 * embedded server serving the built UI at `/`: log in, create a repository with sample data,
 * preview lakes.parquet, upload, see the change, commit (after lifting the sample's branch
 * protection), branch, change and commit there, compare, merge, find the merge in the log, log
 * out. Each step leaves a screenshot in test/ui/screenshots/ (gitignored).
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { QUICKSTART_CREDENTIALS } from "lakefs-ts-server";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { type EmbeddedServer, startEmbedded } from "../runtimes/support/embedded.js";

const chromiumPath = process.env.LAKEFS_TS_CHROMIUM ?? "/usr/bin/chromium";
const skip = existsSync(chromiumPath)
  ? false
  : `no Chromium at ${chromiumPath} (apt-get install chromium, or set LAKEFS_TS_CHROMIUM)`;

const UI_INDEX = fileURLToPath(new URL("../../packages/server/ui/index.html", import.meta.url));
const SCREENSHOTS = fileURLToPath(new URL("./screenshots/", import.meta.url));
/** Set LAKEFS_TS_UI_DOC_SHOTS=1 to refresh the README's screenshots in docs/images/. */
const DOC_SHOTS = process.env.LAKEFS_TS_UI_DOC_SHOTS === "1";
const DOC_IMAGES = fileURLToPath(new URL("../../docs/images/", import.meta.url));

let lakefs: EmbeddedServer;
let context: BrowserContext;
let page: Page;
let profileDir: string;
const pageErrors: string[] = [];

before(async () => {
  if (skip) return;
  assert.ok(existsSync(UI_INDEX), "the UI is not built: run npm run build");
  mkdirSync(SCREENSHOTS, { recursive: true });
  lakefs = await startEmbedded();
  profileDir = mkdtempSync(join(tmpdir(), "lakefs-ui-chromium-"));
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
    ],
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on("pageerror", (err) => pageErrors.push(err.message));
});

after(async () => {
  await context?.close();
  await lakefs?.close();
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
});

let step = 0;
async function shot(name: string, docName?: string): Promise<void> {
  step++;
  const file = join(SCREENSHOTS, `${String(step).padStart(2, "0")}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  if (DOC_SHOTS && docName) {
    mkdirSync(DOC_IMAGES, { recursive: true });
    await page.screenshot({ path: join(DOC_IMAGES, docName) });
  }
}

/** Opens the Upload picker and uploads one in-memory file. */
async function upload(name: string, content: string): Promise<void> {
  await page
    .getByLabel("Files to upload")
    .setInputFiles({ name, mimeType: "text/plain", buffer: Buffer.from(content) });
  await page.getByRole("list", { name: "Uploads" }).getByText("uploaded").waitFor();
}

async function commitChanges(message: string): Promise<void> {
  await page.getByRole("button", { name: "Commit changes" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Commit message").fill(message);
  await dialog.getByRole("button", { name: "Commit", exact: true }).click();
}

test("a newcomer's tour: data, history and a merge, in the browser", { skip }, async () => {
  try {
    await tour();
  } catch (error) {
    // The page as it was when a step failed, next to the steps' screenshots.
    await page.screenshot({ path: join(SCREENSHOTS, "failure.png"), fullPage: true });
    throw error;
  }
});

async function tour(): Promise<void> {
  const { accessKeyId, secretAccessKey } = QUICKSTART_CREDENTIALS;
  const base = lakefs.server.url;

  // Not logged in: any page leads to the login form.
  await page.goto(`${base}/repositories`);
  await page.getByRole("heading", { name: "Log in to lakeFS" }).waitFor();
  await page.getByLabel("Access key ID").fill(accessKeyId);
  await page.getByLabel("Secret access key").fill("not-the-secret");
  await page.getByRole("button", { name: "Log in" }).click();
  await page.getByRole("alert").getByText("Invalid access key pair.").waitFor();
  await page.getByLabel("Secret access key").fill(secretAccessKey);
  await shot("login");
  await page.getByRole("button", { name: "Log in" }).click();
  await page.getByRole("heading", { name: "Repositories" }).waitFor();

  // Create a repository with the sample data.
  await page.getByRole("button", { name: "Create repository" }).click();
  const create = page.getByRole("dialog");
  await create.getByLabel("Repository ID").fill("tour");
  assert.equal(await create.getByLabel("Add sample data").isChecked(), true);
  await shot("create-repository");
  await create.getByRole("button", { name: "Create repository" }).click();
  await page.getByRole("link", { name: "lakes.parquet", exact: true }).waitFor();
  await shot("sample-objects");

  // Parquet preview: the schema and the first rows.
  await page.getByRole("link", { name: "lakes.parquet", exact: true }).click();
  await page.getByRole("heading", { name: /^First \d+ of \d+ rows$/ }).waitFor();
  await page.getByRole("cell", { name: "Great Bear Lake" }).waitFor();
  assert.ok(await page.getByRole("cell", { name: "max_depth_m" }).isVisible());
  await shot("parquet-preview");

  // Upload a file to main and see it as an uncommitted addition.
  await page.getByRole("navigation", { name: "Path" }).getByRole("link", { name: "tour" }).click();
  await upload("hello.txt", "hello from the browser\n");
  await page.getByRole("link", { name: "hello.txt", exact: true }).waitFor();
  await shot("uploaded", "ui-object-browser.png");
  await page.getByRole("link", { name: "Uncommitted changes" }).click();
  const added = page.getByRole("row").filter({ hasText: "hello.txt" });
  await added.getByText("added").waitFor();
  await shot("uncommitted");

  // The sample repository protects main from direct commits: the error says so.
  await commitChanges("Add hello.txt");
  await page.getByRole("dialog").getByRole("alert").waitFor();
  assert.match(
    (await page.getByRole("dialog").getByRole("alert").textContent()) ?? "",
    /protected/i,
  );
  await shot("commit-refused");
  await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();

  // Lift the protection in the settings, then commit.
  await page.getByRole("link", { name: "Settings" }).click();
  await page.getByRole("button", { name: "Remove rule main" }).click();
  await page.getByText("No rules.").waitFor();
  await shot("protection-removed");
  await page.getByRole("link", { name: "Uncommitted changes" }).click();
  await commitChanges("Add hello.txt");
  await page.getByText("No uncommitted changes.").waitFor();

  // A branch, with a change committed on it.
  await page.getByRole("link", { name: "Branches" }).click();
  await page.getByRole("button", { name: "Create branch" }).click();
  const branchDialog = page.getByRole("dialog");
  await branchDialog.getByLabel("Branch name").fill("feature");
  await branchDialog.getByRole("button", { name: "Create branch" }).click();
  await page.getByRole("link", { name: "feature", exact: true }).click();
  await page.getByRole("button", { name: "Ref: feature" }).waitFor();
  await upload("hello.txt", "hello again, from a branch\n");
  await page.getByRole("link", { name: "Uncommitted changes" }).click();
  await page.getByRole("row").filter({ hasText: "hello.txt" }).getByText("changed").waitFor();
  await commitChanges("Change hello.txt on feature");
  await page.getByText("No uncommitted changes.").waitFor();
  await shot("feature-committed");

  // Compare main with feature, then merge.
  await page.getByRole("link", { name: "Branches" }).click();
  await page
    .getByRole("row")
    .filter({ hasText: "feature" })
    .getByRole("link", { name: "Compare" })
    .click();
  await page.getByRole("row").filter({ hasText: "hello.txt" }).getByText("changed").waitFor();
  await shot("compare", "ui-compare.png");
  await page.getByRole("button", { name: "Merge feature into main" }).click();
  const merge = page.getByRole("dialog");
  await merge.getByLabel("Strategy").selectOption("source-wins");
  await merge.getByRole("button", { name: "Merge", exact: true }).click();
  await page.getByRole("status").getByText("Merged feature into main").waitFor();
  await page.getByText("No differences between main and feature.").waitFor();
  await shot("merged");

  // The log of main starts with the merge.
  await page.getByRole("link", { name: "Commits" }).click();
  const first = page.getByRole("list", { name: "Commits" }).getByRole("listitem").first();
  await first.getByText("merge", { exact: true }).waitFor();
  assert.match((await first.textContent()) ?? "", /Merge 'feature' into 'main'/);
  await first.getByRole("link").click();
  await page.getByRole("heading", { name: "Merge 'feature' into 'main'" }).waitFor();
  await page.getByRole("row").filter({ hasText: "hello.txt" }).getByText("changed").waitFor();
  await shot("merge-commit");

  // Log out: the session cookie is gone and pages lead back to login.
  await page.getByRole("link", { name: "Log out" }).click();
  await page.getByRole("heading", { name: "Log in to lakeFS" }).waitFor();
  await page.goto(`${base}/repositories/tour/objects`);
  await page.getByRole("heading", { name: "Log in to lakeFS" }).waitFor();
  assert.deepEqual(pageErrors, []);
}
