/**
 * The web UI end to end in headless Chromium (Debian's, through playwright-core), against an
 * embedded server serving the built UI at `/`: log in, create a repository with sample data,
 * preview lakes.parquet, upload, see the change, commit (after lifting the sample's branch
 * protection), branch, change and commit there, compare, merge, find the merge in the log, log
 * out. Each step leaves a screenshot in test/ui/screenshots/ (gitignored).
 */
import assert from "node:assert/strict";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from "node:fs";
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
const UI_SOURCES = fileURLToPath(new URL("../../packages/ui/", import.meta.url));
const SCREENSHOTS = fileURLToPath(new URL("./screenshots/", import.meta.url));
/** Set LAKEFS_TS_UI_DOC_SHOTS=1 to refresh the README's screenshots in docs/images/. */
const DOC_SHOTS = process.env.LAKEFS_TS_UI_DOC_SHOTS === "1";
const DOC_IMAGES = fileURLToPath(new URL("../../docs/images/", import.meta.url));

/** The newest modification time under the UI package's sources (not its tests or modules). */
function newestSource(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir, { recursive: true, encoding: "utf8" })) {
    if (name.startsWith("node_modules") || name.startsWith("test")) continue;
    newest = Math.max(newest, statSync(join(dir, name)).mtimeMs);
  }
  return newest;
}

let lakefs: EmbeddedServer;
let context: BrowserContext;
let page: Page;
let profileDir: string;
const pageErrors: string[] = [];

before(async () => {
  if (skip) return;
  assert.ok(existsSync(UI_INDEX), "the UI is not built: run npm run build");
  assert.ok(
    statSync(UI_INDEX).mtimeMs >= newestSource(UI_SOURCES),
    "the UI build is older than its sources: run npm run build",
  );
  // Only this run's steps in the folder.
  rmSync(SCREENSHOTS, { recursive: true, force: true });
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
  // Deletes and resets ask with confirm(); the user says yes.
  page.on("dialog", (dialog) => dialog.accept());
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

/** Drops files on the object listing, as a file manager would, and waits for the uploads. */
async function dropFiles(files: { name: string; content: string; type: string }[]): Promise<void> {
  const dataTransfer = await page.evaluateHandle((list) => {
    const transfer = new DataTransfer();
    for (const f of list) transfer.items.add(new File([f.content], f.name, { type: f.type }));
    return transfer;
  }, files);
  const zone = page.getByRole("region", { name: "Objects (drop files here to upload)" });
  await zone.dispatchEvent("dragover", { dataTransfer });
  await zone.dispatchEvent("drop", { dataTransfer });
  const uploads = page.getByRole("list", { name: "Uploads" });
  await uploads
    .getByText("uploaded")
    .nth(files.length - 1)
    .waitFor();
}

async function commitChanges(message: string, metadata?: [string, string]): Promise<void> {
  await page.getByRole("button", { name: "Commit changes" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Commit message").fill(message);
  if (metadata) {
    await dialog.getByRole("button", { name: "Add metadata" }).click();
    await dialog.getByLabel("Metadata key 1").fill(metadata[0]);
    await dialog.getByLabel("Metadata value 1").fill(metadata[1]);
  }
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

  // Markdown is rendered (and sanitised), images are shown.
  await page.getByRole("navigation", { name: "Path" }).getByRole("link", { name: "tour" }).click();
  await page.getByRole("link", { name: "README.md", exact: true }).click();
  await page
    .locator("article.markdown")
    .getByRole("heading", { name: "Sample repository" })
    .waitFor();
  await page.getByRole("navigation", { name: "Path" }).getByRole("link", { name: "tour" }).click();
  await page.getByRole("link", { name: "images/" }).click();
  await page.getByRole("link", { name: "deepest-lakes.png", exact: true }).click();
  const image = page.getByRole("img", { name: "Preview of images/deepest-lakes.png" });
  await image.waitFor();
  await page.waitForFunction(
    () => (document.querySelector("img.image-preview") as HTMLImageElement | null)?.naturalWidth,
  );
  await shot("image-preview");

  // Upload a file to main and see it as an uncommitted addition.
  await page.getByRole("navigation", { name: "Path" }).getByRole("link", { name: "tour" }).click();
  await upload("hello.txt", "hello from the browser\n");
  await page.getByRole("link", { name: "hello.txt", exact: true }).waitFor();
  await shot("uploaded", "ui-object-browser.png");
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Download hello.txt" }).click(),
  ]);
  assert.equal(download.suggestedFilename(), "hello.txt");
  const saved = await download.path();
  assert.equal(readFileSync(saved, "utf8"), "hello from the browser\n");
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
  await dropFiles([
    { name: "hello.txt", content: "hello again, from a branch\n", type: "text/plain" },
    { name: "lakes.csv", content: 'name,depth\n"Baikal, Siberia",1642\n', type: "text/csv" },
    { name: "scratch.json", content: '{"draft":true}', type: "application/json" },
  ]);
  await page.getByRole("link", { name: "Uncommitted changes" }).click();
  await page.getByRole("row").filter({ hasText: "hello.txt" }).getByText("changed").waitFor();
  // Reset one object: the draft goes, the rest stays.
  await page.getByRole("button", { name: "Reset scratch.json" }).click();
  await page.getByRole("row").filter({ hasText: "scratch.json" }).waitFor({ state: "detached" });
  await page.getByRole("row").filter({ hasText: "lakes.csv" }).getByText("added").waitFor();
  await commitChanges("Change hello.txt on feature", ["reviewed-by", "ui-test"]);
  await page.getByText("No uncommitted changes.").waitFor();
  await shot("feature-committed");
  await page.getByRole("link", { name: "Commits" }).click();
  await page.getByRole("link", { name: "Change hello.txt on feature" }).click();
  await page.getByText("reviewed-by").waitFor();
  await page.getByText("ui-test").waitFor();

  // CSV as a table, JSON pretty-printed.
  await page.goto(`${base}/repositories/tour/object?ref=feature&path=lakes.csv`);
  await page.getByRole("cell", { name: "Baikal, Siberia" }).waitFor();
  await page.goto(`${base}/repositories/tour/objects?ref=feature`);
  await dropFiles([{ name: "note.json", content: '{"a":[1,2]}', type: "application/json" }]);
  await page.getByRole("link", { name: "note.json", exact: true }).click();
  assert.equal(await page.locator("pre.text").textContent(), '{\n  "a": [\n    1,\n    2\n  ]\n}');
  // Delete it again from the object page.
  await page.getByRole("button", { name: "Delete" }).click();
  await page.getByRole("link", { name: "lakes.csv", exact: true }).waitFor();
  assert.equal(await page.getByRole("link", { name: "note.json", exact: true }).count(), 0);

  // Compare main with feature, then merge.
  await page.getByRole("link", { name: "Branches" }).click();
  await page
    .getByRole("row")
    .filter({ hasText: "feature" })
    .getByRole("link", { name: "Compare" })
    .click();
  await page.getByRole("row").filter({ hasText: "hello.txt" }).getByText("changed").waitFor();
  await shot("compare", "ui-compare.png");
  await page.getByLabel("Two-dot (tree to tree)").check();
  await page.waitForURL(/type=two_dot/);
  await page.getByRole("row").filter({ hasText: "lakes.csv" }).getByText("added").waitFor();
  await page.getByLabel("Three-dot (since merge base)").check();
  await page.waitForURL(/type=three_dot/);
  await page.getByRole("button", { name: "Merge feature into main" }).click();
  const merge = page.getByRole("dialog");
  await merge.getByLabel("Strategy").selectOption("source-wins");
  await merge.getByRole("button", { name: "Merge", exact: true }).click();
  await page.getByRole("status").getByText("Merged feature into main").waitFor();
  await page.getByText("No differences between main and feature.").waitFor();
  await shot("merged");

  // Both sides change hello.txt: merging without a strategy explains the conflict.
  await page.goto(`${base}/repositories/tour/objects?ref=main`);
  await upload("hello.txt", "main's version\n");
  await page.getByRole("link", { name: "Uncommitted changes" }).click();
  await commitChanges("Change hello.txt on main");
  await page.getByText("No uncommitted changes.").waitFor();
  await page.goto(`${base}/repositories/tour/objects?ref=feature`);
  await upload("hello.txt", "feature's version\n");
  await page.getByRole("link", { name: "Uncommitted changes" }).click();
  await commitChanges("Change hello.txt on feature again");
  await page.getByText("No uncommitted changes.").waitFor();
  await page.goto(`${base}/repositories/tour/compare?ref=main&compare=feature`);
  await page.getByRole("button", { name: "Merge feature into main" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Merge", exact: true }).click();
  const conflict = page.getByRole("dialog").getByRole("alert");
  await conflict.waitFor();
  assert.match((await conflict.textContent()) ?? "", /^Merge conflict: .*Pick a strategy/);
  await shot("merge-conflict");
  await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();

  // The log of main starts with the merge.
  await page.getByRole("link", { name: "Commits" }).click();
  const entries = page.getByRole("list", { name: "Commits" }).getByRole("listitem");
  await entries.first().getByText("Change hello.txt on main").waitFor();
  const mergeEntry = entries.nth(1);
  await mergeEntry.getByText("merge", { exact: true }).waitFor();
  assert.match((await mergeEntry.textContent()) ?? "", /Merge 'feature' into 'main'/);
  await mergeEntry.getByRole("link").click();
  await page.getByRole("heading", { name: "Merge 'feature' into 'main'" }).waitFor();
  await page.getByRole("row").filter({ hasText: "hello.txt" }).getByText("changed").waitFor();
  await shot("merge-commit");

  // Tag the merge, then look at the tag through the ref selector: read-only, no upload.
  await page.getByRole("link", { name: "Tags" }).click();
  await page.getByRole("button", { name: "Create tag" }).click();
  await page.getByRole("dialog").getByLabel("Tag name").fill("v1");
  await page.getByRole("dialog").getByLabel("From ref").fill("main~1");
  await page.getByRole("dialog").getByRole("button", { name: "Create tag" }).click();
  await page.getByRole("link", { name: "v1", exact: true }).waitFor();
  await page.getByRole("link", { name: "Objects" }).click();
  await page.getByRole("button", { name: /^Ref: / }).click();
  await page.getByRole("tab", { name: "Tags" }).click();
  await page.getByRole("button", { name: "v1", exact: true }).click();
  await page.getByRole("button", { name: "Ref: v1" }).waitFor();
  await page.getByRole("link", { name: "hello.txt", exact: true }).waitFor();
  assert.equal(await page.getByRole("button", { name: "Upload files" }).count(), 0);
  assert.equal(await page.getByRole("button", { name: /^Delete / }).count(), 0);

  // Delete the tag and the branch; protect release branches.
  await page.getByRole("link", { name: "Tags" }).click();
  await page.getByRole("button", { name: "Delete tag v1" }).click();
  await page.getByText("No tags.").waitFor();
  await page.getByRole("link", { name: "Branches" }).click();
  await page.getByRole("button", { name: "Delete branch feature" }).click();
  await page.getByRole("link", { name: "feature", exact: true }).waitFor({ state: "detached" });
  assert.equal(await page.getByRole("button", { name: "Delete branch main" }).count(), 0);
  await page.getByRole("link", { name: "Settings" }).click();
  await page.getByLabel("Branch name pattern").fill("release-*");
  await page.getByRole("button", { name: "Add rule" }).click();
  await page.getByRole("button", { name: "Remove rule release-*" }).waitFor();

  // A phone-sized window: the same pages, narrower tables.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${base}/repositories`);
  await page.getByRole("link", { name: "tour", exact: true }).waitFor();
  await shot("narrow-repositories");
  await page.getByRole("link", { name: "tour", exact: true }).click();
  await page.getByRole("link", { name: "lakes.parquet", exact: true }).waitFor();
  await shot("narrow-objects");
  await page.setViewportSize({ width: 1280, height: 800 });

  // Log out: the session cookie is gone and pages lead back to login.
  await page.getByRole("link", { name: "Log out" }).click();
  await page.getByRole("heading", { name: "Log in to lakeFS" }).waitFor();
  await page.goto(`${base}/repositories/tour/objects`);
  await page.getByRole("heading", { name: "Log in to lakeFS" }).waitFor();
  assert.deepEqual(pageErrors, []);
}

test("a long listing is paged: one page of rows in the page at a time", { skip }, async () => {
  try {
    await paging();
  } catch (error) {
    await page.screenshot({ path: join(SCREENSHOTS, "failure-paging.png"), fullPage: true });
    throw error;
  }
});

async function paging(): Promise<void> {
  const { Client, Repository } = await import("lakefs-ts");
  const client = new Client({
    endpoint: lakefs.server.endpoint,
    credentials: QUICKSTART_CREDENTIALS,
  });
  const repository = await new Repository("paging", { client }).create("local://paging");
  const main = repository.branch("main");
  const count = 230;
  await Promise.all(
    Array.from({ length: count }, (_, i) =>
      main.object(`many/item-${String(i).padStart(4, "0")}.txt`).upload(`item ${i}`),
    ),
  );
  await page.goto(`${lakefs.server.url}/auth/login`);
  await page.getByLabel("Access key ID").fill(QUICKSTART_CREDENTIALS.accessKeyId);
  await page.getByLabel("Secret access key").fill(QUICKSTART_CREDENTIALS.secretAccessKey);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.getByRole("heading", { name: "Repositories" }).waitFor();
  await page.goto(`${lakefs.server.url}/repositories/paging/objects?ref=main&path=many%2F`);
  const rows = page.locator("table.objects tbody tr");
  const pager = page.getByRole("navigation", { name: "Objects pages" });
  const names = async () => rows.locator("td:first-child").allTextContents();

  await page.getByRole("link", { name: "item-0000.txt", exact: true }).waitFor();
  assert.equal(await rows.count(), 100);
  await pager.getByRole("button", { name: "Next →" }).click();
  await page.getByRole("link", { name: "item-0100.txt", exact: true }).waitFor();
  assert.deepEqual((await names()).slice(0, 2), ["item-0100.txt", "item-0101.txt"]);
  assert.equal(await rows.count(), 100);
  await pager.getByRole("button", { name: "Next →" }).click();
  await page.getByRole("link", { name: "item-0229.txt", exact: true }).waitFor();
  assert.equal(await rows.count(), 30);
  assert.equal(await pager.getByRole("button", { name: "Next →" }).isDisabled(), true);
  await pager.getByRole("button", { name: "← Previous" }).click();
  await page.getByRole("link", { name: "item-0100.txt", exact: true }).waitFor();
  assert.equal(await rows.count(), 100);
  await pager.getByText("Page 2").waitFor();

  // Uncommitted changes page the same way.
  await page.getByRole("link", { name: "Uncommitted changes" }).click();
  await page.getByRole("button", { name: "many/", exact: true }).click();
  const changeRows = page.locator(".changes tbody tr");
  await page.getByText("many/item-0000.txt").waitFor();
  assert.equal(await changeRows.count(), 100);
  await page
    .getByRole("navigation", { name: "Changes pages" })
    .getByRole("button", { name: "Next →" })
    .click();
  await page.getByText("many/item-0100.txt").waitFor();
  assert.equal(await changeRows.count(), 100);
  await shot("paging");

  // Delete the repository from its settings: the name must be typed first.
  await page.getByRole("link", { name: "Settings" }).click();
  const remove = page.getByRole("button", { name: "Delete repository" });
  assert.equal(await remove.isDisabled(), true);
  await page.getByLabel("Type paging to confirm").fill("paging");
  await remove.click();
  await page.getByRole("heading", { name: "Repositories" }).waitFor();
  await page.getByRole("link", { name: "tour", exact: true }).waitFor();
  assert.equal(await page.getByRole("link", { name: "paging", exact: true }).count(), 0);
  assert.deepEqual(pageErrors, []);
}
