/**
 * The power-loss filesystem itself: after a cut, the backing directory must hold exactly what a
 * strict POSIX disk would — file bytes only once the file was fsynced, names (creations, renames,
 * hard links, removals) only once their directory was — and SQLite in WAL mode must work on it.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  closeSync,
  existsSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import Database from "better-sqlite3";
import { buildPowerFs, fuseUnavailable, PowerFs } from "./support/powerfs.js";

const unavailable = fuseUnavailable();
if (unavailable)
  console.warn(`\n!!! SKIPPING the power-loss filesystem tests: ${unavailable} !!!\n`);

const work = mkdtempSync(join(tmpdir(), "lakefs-ts-powerfs-"));
after(async () => {
  await PowerFs.unmountAll();
  rmSync(work, { recursive: true, force: true });
});
let counter = 0;

/** A fresh disk holding `initial` (path → content), mounted; returns the mount. */
async function mountDisk(initial: Record<string, string> = {}): Promise<PowerFs> {
  const root = join(work, String(counter++));
  const backing = join(root, "disk");
  const mountpoint = join(root, "mnt");
  mkdirSync(mountpoint, { recursive: true });
  mkdirSync(backing);
  for (const [path, content] of Object.entries(initial)) {
    mkdirSync(join(backing, path, ".."), { recursive: true });
    writeFileSync(join(backing, path), content);
  }
  return PowerFs.mount(backing, mountpoint);
}

function writeFile(path: string, content: string, fsync: boolean): void {
  const fd = openSync(path, "w");
  writeSync(fd, content);
  if (fsync) fsyncSync(fd);
  closeSync(fd);
}

function fsyncDir(path: string): void {
  const fd = openSync(path, "r");
  fsyncSync(fd);
  closeSync(fd);
}

/** The backing directory as path → content (directories end in "/"). */
function snapshot(dir: string, prefix = ""): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const path = prefix + entry.name;
    if (entry.isDirectory()) {
      out[`${path}/`] = "";
      Object.assign(out, snapshot(dir, `${path}/`));
    } else out[path] = readFileSync(join(dir, path), "utf8");
  }
  return out;
}

describe("powerfs (power-loss filesystem)", { skip: unavailable }, () => {
  it("compiles, and refuses a backing directory that does not exist", () => {
    const missing = spawnSync(buildPowerFs(), [join(work, "nope"), work], { encoding: "utf8" });
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /nope/);
  });

  it("loses bytes written without fsync, keeping the last fsynced version", async () => {
    const fs = await mountDisk({ "old.txt": "durable" });
    const m = fs.mountpoint;
    assert.equal(readFileSync(join(m, "old.txt"), "utf8"), "durable");
    writeFile(join(m, "old.txt"), "overwritten, never synced", false);
    assert.equal(readFileSync(join(m, "old.txt"), "utf8"), "overwritten, never synced");
    writeFile(join(m, "new.txt"), "never synced", false);
    fsyncDir(m); // the new name is durable, its bytes are not
    await fs.cutPower();
    assert.deepEqual(snapshot(fs.backing), { "old.txt": "durable", "new.txt": "" });
  });

  it("needs the directory's fsync for a new name, and the file's for its bytes", async () => {
    const fs = await mountDisk();
    const m = fs.mountpoint;
    writeFile(join(m, "file-only.txt"), "synced file, unsynced directory", true);
    mkdirSync(join(m, "sub"));
    writeFile(join(m, "sub", "both.txt"), "everything synced", true);
    fsyncDir(join(m, "sub"));
    await fs.cutPower();
    // The parent never synced "sub" (or "file-only.txt"), so neither name exists on the disk.
    assert.deepEqual(snapshot(fs.backing), {});
  });

  it("keeps a file whose bytes, directory and parent directories were all synced", async () => {
    const fs = await mountDisk();
    const m = fs.mountpoint;
    mkdirSync(join(m, "a", "b"), { recursive: true });
    writeFile(join(m, "a", "b", "f"), "kept", true);
    fsyncDir(join(m, "a", "b"));
    fsyncDir(join(m, "a"));
    fsyncDir(m);
    writeFile(join(m, "a", "b", "f"), "later, lost", false);
    await fs.cutPower();
    assert.deepEqual(snapshot(fs.backing), { "a/": "", "a/b/": "", "a/b/f": "kept" });
  });

  it("makes a rename durable per directory: the target's name and the source's removal", async () => {
    const fs = await mountDisk({ "src/x": "x", "src/y": "y", z: "z" });
    const m = fs.mountpoint;
    renameSync(join(m, "src", "x"), join(m, "dst-x")); // only the target directory synced
    renameSync(join(m, "src", "y"), join(m, "src", "y2")); // not synced at all
    renameSync(join(m, "z"), join(m, "z2")); // synced below, with dst-x
    fsyncDir(m);
    await fs.cutPower();
    assert.deepEqual(snapshot(fs.backing), {
      "src/": "",
      "src/x": "x", // the source directory was not synced: the old name is still there
      "src/y": "y",
      "dst-x": "x",
      z2: "z",
    });
  });

  it("makes an unlink and an rmdir durable only with their directory's fsync", async () => {
    const fs = await mountDisk({ gone: "1", stays: "2", "d/keep": "3", "e/x": "4" });
    const m = fs.mountpoint;
    unlinkSync(join(m, "gone"));
    unlinkSync(join(m, "d", "keep")); // d is never synced
    unlinkSync(join(m, "e", "x"));
    rmdirSync(join(m, "e"));
    fsyncDir(m);
    assert.throws(() => rmdirSync(join(m, "d", "..", "d", "nope")), /ENOENT/);
    await fs.cutPower();
    assert.deepEqual(snapshot(fs.backing), { stays: "2", "d/": "", "d/keep": "3" });
  });

  it("keeps hard links as links to one file, and reports bad operations like a disk", async () => {
    const fs = await mountDisk({ "d/f": "x" });
    const m = fs.mountpoint;
    writeFile(join(m, "a"), "shared", true);
    linkSync(join(m, "a"), join(m, "b"));
    fsyncDir(m);
    assert.throws(() => rmdirSync(join(m, "d")), /ENOTEMPTY/);
    assert.throws(() => linkSync(join(m, "a"), join(m, "b")), /EEXIST/);
    assert.throws(() => renameSync(join(m, "a"), join(m, "d")), /EISDIR/);
    assert.throws(() => openSync(join(m, "a"), "wx"), /EEXIST/);
    await fs.cutPower();
    assert.deepEqual(snapshot(fs.backing), { a: "shared", b: "shared", "d/": "", "d/f": "x" });
    const fs2 = await PowerFs.mount(fs.backing, fs.mountpoint);
    writeFile(join(fs2.mountpoint, "a"), "both names see this", true); // one inode again
    assert.equal(readFileSync(join(fs2.mountpoint, "b"), "utf8"), "both names see this");
    await fs2.unmount();
  });

  it("writes everything back on a clean unmount", async () => {
    const fs = await mountDisk();
    mkdirSync(join(fs.mountpoint, "d"));
    writeFile(join(fs.mountpoint, "d", "f"), "unsynced but unmounted cleanly", false);
    await fs.unmount();
    assert.deepEqual(snapshot(fs.backing), { "d/": "", "d/f": "unsynced but unmounted cleanly" });
  });

  for (const synchronous of ["FULL", "OFF"] as const) {
    it(`runs SQLite in WAL mode (mmapped -shm); synchronous=${synchronous} ${synchronous === "FULL" ? "keeps" : "loses"} committed rows`, async () => {
      const fs = await mountDisk();
      const dir = join(fs.mountpoint, "db");
      mkdirSync(dir);
      fsyncDir(fs.mountpoint);
      const db = new Database(join(dir, "test.db"));
      assert.equal(db.pragma("journal_mode = WAL", { simple: true }), "wal");
      db.pragma(`synchronous = ${synchronous}`);
      db.exec("CREATE TABLE t (n INTEGER PRIMARY KEY, v TEXT)");
      const insert = db.prepare("INSERT INTO t (n, v) VALUES (?, ?)");
      for (let n = 0; n < 200; n++) insert.run(n, "x".repeat(n * 10));
      assert.deepEqual(db.prepare("SELECT count(*) AS c FROM t").get(), { c: 200 });
      assert.ok(existsSync(join(dir, "test.db-shm")), "WAL mode uses the shared-memory file");
      // The power goes while the connection is open: no checkpoint, no clean close.
      await fs.cutPower();
      db.close(); // its files are gone with the mount; SQLite ignores errors on close
      const after = new Database(join(fs.backing, "db", "test.db"));
      const rows =
        synchronous === "FULL" ? after.prepare("SELECT count(*) AS c FROM t").get() : undefined;
      if (synchronous === "FULL") {
        assert.equal(after.pragma("integrity_check", { simple: true }), "ok");
        assert.equal((rows as { c: number }).c, 200);
      } else {
        // Nothing was ever fsynced: the table itself is gone.
        assert.throws(() => after.prepare("SELECT count(*) FROM t").get(), /no such table/);
      }
      after.close();
    });
  }
});
