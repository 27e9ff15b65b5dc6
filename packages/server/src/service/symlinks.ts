/**
 * Symlink files (lakeFS's `createSymlinkFile`): for each directory holding objects under
 * `location` on a ref, a `symlink.txt` listing their physical addresses one per line, written
 * to `symlinks/<repository>/<ref>/<directory>/symlink.txt` in the storage namespace (objects at
 * the top level go to `symlinks/<repository>/<ref>/symlink.txt`). Hive-style readers use them to
 * read a lakeFS ref's objects in place. Files of earlier runs are replaced, never removed.
 */
import type { LocalBlockStore } from "../block/local.js";
import type { Engine } from "../engine/engine.js";

/** lakeFS's directory for symlink files, relative to the storage namespace. */
export const SYMLINKS_PREFIX = "symlinks";
/** Objects listed per engine page while walking the ref. */
const PAGE = 1000;

/** Writes the symlink files and returns where they are (`<namespace>/symlinks`). */
export async function createSymlinkFiles(
  engine: Engine,
  blocks: LocalBlockStore,
  repositoryId: string,
  ref: string,
  location: string,
): Promise<string> {
  const repository = await engine.getRepository(repositoryId);
  const nsDir = blocks.namespaceDir(repository.storageNamespace);
  const base = `${SYMLINKS_PREFIX}/${repositoryId}/${ref}`;
  const flush = (dir: string, addresses: string[]) =>
    blocks.writeNamespaceFile(
      nsDir,
      dir === "" ? `${base}/symlink.txt` : `${base}/${dir}/symlink.txt`,
      addresses.join("\n"),
    );

  // Listing order keeps a directory's whole subtree together, but its own objects may come on
  // both sides of a subdirectory ("d/a", "d/m/x", "d/z"): a directory stays open until the
  // listing leaves its subtree, so its file lists all of them. (lakeFS writes a file whenever
  // the directory changes, so there "d" would list only "d/z".)
  const open = new Map<string, string[]>();
  const within = (dir: string, ancestor: string) =>
    ancestor === "" || dir === ancestor || dir.startsWith(`${ancestor}/`);
  let after = "";
  for (;;) {
    const page = await engine.listEntries(repositoryId, ref, {
      prefix: location,
      after,
      amount: PAGE,
    });
    for (const item of page.results) {
      if (!item.entry) continue;
      const slash = item.path.lastIndexOf("/");
      const dir = slash === -1 ? "" : item.path.slice(0, slash);
      for (const [openDir, addresses] of open) {
        if (within(dir, openDir)) continue;
        await flush(openDir, addresses);
        open.delete(openDir);
      }
      let addresses = open.get(dir);
      if (!addresses) {
        addresses = [];
        open.set(dir, addresses);
      }
      addresses.push(blocks.physicalAddress(nsDir, item.entry));
    }
    if (!page.hasMore) break;
    after = page.nextOffset;
  }
  for (const [dir, addresses] of open) await flush(dir, addresses);
  return `${repository.storageNamespace}/${SYMLINKS_PREFIX}`;
}
