/**
 * A forward cursor over a tree with two kinds of position: at a range's header (nothing read yet,
 * only the metarange record is known) or at a record inside a loaded range. Algorithms decide at
 * headers whether a whole range can be reused or skipped, and only load ("descend into") the
 * ranges they must compare record by record.
 */
import { compareKeys, type Entry } from "../../core/entry.js";
import type { TreeFiles } from "./files.js";
import { type LoadedRange, type RangeRef, rangeIndexFor } from "./format.js";

export class TreeCursor {
  private index = 0;
  private loaded: LoadedRange | undefined;
  private pos = 0;
  private readonly refs: readonly RangeRef[];

  constructor(
    private readonly files: TreeFiles,
    metarangeId: string,
  ) {
    this.refs = files.metarange(metarangeId);
  }

  get done(): boolean {
    return this.index >= this.refs.length;
  }

  /** The current range (at its header or inside it); only valid when not done. */
  get ref(): RangeRef {
    return this.refs[this.index]!;
  }

  /** True when positioned at a record inside a loaded range. */
  get descended(): boolean {
    return this.loaded !== undefined;
  }

  /** At a header, true when it is range `id`; inside a range, false. */
  atHeaderOf(id: string): boolean {
    return !this.done && this.loaded === undefined && this.ref.id === id;
  }

  /** The next key this cursor will produce: a header's min key or the current record's key. */
  peekKey(): string | undefined {
    if (this.loaded !== undefined) return this.loaded.keys[this.pos];
    return this.refs[this.index]?.minKey;
  }

  /** The current record's key (descended only). */
  key(): string {
    return this.loaded!.keys[this.pos]!;
  }

  /** The current record's encoded value (descended only). */
  raw(): Buffer {
    return this.loaded!.raw(this.pos);
  }

  /** The current record's value (descended only). */
  entry(): Entry {
    return this.loaded!.entry(this.pos);
  }

  /** True when both cursors are at the same record of the same range, so the rest of it is equal. */
  sharesRangePosition(other: TreeCursor): boolean {
    return (
      this.loaded !== undefined &&
      other.loaded !== undefined &&
      this.pos === other.pos &&
      this.ref.id === other.ref.id
    );
  }

  /** Loads the current range and moves to its first record. */
  descend(): void {
    this.loaded = this.files.range(this.ref.id);
    this.pos = 0;
  }

  /** Moves to the next range's header, dropping what is left of the current range. */
  skipRange(): void {
    this.index++;
    this.loaded = undefined;
    this.pos = 0;
  }

  /** Moves to the next record (descended only), or to the next header at the end of the range. */
  next(): void {
    if (++this.pos >= this.loaded!.keys.length) this.skipRange();
  }

  /** Moves forward to the first key >= `key`; ranges wholly below it are skipped unread. */
  seek(key: string): void {
    if (this.done) return;
    if (compareKeys(this.ref.maxKey, key) < 0) {
      this.index = rangeIndexFor(this.refs, key);
      this.loaded = undefined;
      this.pos = 0;
      if (this.done) return;
    }
    if (this.loaded === undefined) {
      if (compareKeys(this.ref.minKey, key) >= 0) return;
      this.descend();
    }
    this.pos = this.loaded!.lowerBound(key, this.pos);
  }
}
