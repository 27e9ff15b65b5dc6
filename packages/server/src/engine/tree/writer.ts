/**
 * Builds a new tree from an ordered stream of records and whole existing ranges. It cuts ranges
 * where the policy says, so the partition of a tree depends only on its records: a reused range
 * is referenced as-is only when the range being written is empty (the reused one then starts
 * where a fresh range would) and it ended at a boundary; otherwise its records are streamed.
 * A tree's last range usually ends without a boundary, so it is held back until it is clear
 * whether anything follows it.
 */
import { compareKeys } from "../../core/entry.js";
import { ByteWriter } from "./bytes.js";
import type { TreeFiles } from "./files.js";
import {
  encodeMetarange,
  fileBytes,
  RANGE_KIND,
  type RangeRef,
  writeRangeRecord,
} from "./format.js";
import type { RangePolicy } from "./policy.js";

export class TreeWriter {
  private readonly refs: RangeRef[] = [];
  private readonly records = new ByteWriter(64 * 1024);
  private count = 0;
  private minKey = "";
  private lastKey: string | undefined;
  /** A reused range that ended without a boundary, waiting to see what follows it. */
  private held: RangeRef | undefined;

  constructor(
    private readonly files: TreeFiles,
    private readonly policy: RangePolicy,
  ) {}

  /** Appends one record; keys must be strictly increasing across everything added. */
  addRecord(key: string, value: Uint8Array): void {
    if (this.held !== undefined) this.streamHeld();
    this.checkOrder(key);
    if (this.count === 0) this.minKey = key;
    writeRangeRecord(this.records, this.count === 0 ? "" : this.lastKey!, key, value);
    this.count++;
    this.lastKey = key;
    if (this.policy.closesAfter(key, this.records.length)) this.closeRange();
  }

  /** Appends every record of an existing range, referencing it without reading when possible. */
  addRange(ref: RangeRef): void {
    if (this.count > 0 || this.held !== undefined) {
      this.stream(ref);
      return;
    }
    this.checkOrder(ref.minKey);
    this.lastKey = ref.maxKey;
    if (this.policy.isClosed(ref)) this.refs.push(ref);
    else this.held = ref;
  }

  /**
   * Writes the metarange (after any pending range) and returns its id. An empty tree is written
   * too, as graveler does: only a repository's first commit has the unwritten empty tree "", so a
   * later commit that empties the tree differs from it (and merges into it are not "no changes").
   */
  finish(): string {
    if (this.held !== undefined) {
      this.refs.push(this.held);
      this.held = undefined;
    }
    if (this.count > 0) this.closeRange();
    const id = this.files.write(encodeMetarange(this.refs));
    this.files.syncDir();
    return id;
  }

  private checkOrder(key: string): void {
    if (this.lastKey !== undefined && compareKeys(key, this.lastKey) <= 0) {
      throw new Error(`tree writer: key ${JSON.stringify(key)} is not after the previous key`);
    }
  }

  private streamHeld(): void {
    const held = this.held!;
    this.held = undefined;
    // Its records are re-added from the start, so forget that its keys were already accounted.
    this.lastKey = this.refs.at(-1)?.maxKey;
    this.stream(held);
  }

  private stream(ref: RangeRef): void {
    const range = this.files.range(ref.id);
    for (let i = 0; i < range.keys.length; i++) this.addRecord(range.keys[i]!, range.raw(i));
  }

  private closeRange(): void {
    const bytes = this.records.length;
    const id = this.files.write(fileBytes(RANGE_KIND, this.count, this.records.view()));
    this.refs.push(
      Object.freeze({ id, minKey: this.minKey, maxKey: this.lastKey!, count: this.count, bytes }),
    );
    this.records.reset();
    this.count = 0;
  }
}
