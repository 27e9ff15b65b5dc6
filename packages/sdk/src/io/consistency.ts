/** Guarding multi-request reads against the object changing between requests. */
import { LakeFSError } from "../errors.js";

/**
 * The object was replaced while it was being read in several requests (its ETag changed), so the
 * bytes read so far may mix two versions. Retry the whole read.
 */
export class ObjectChangedError extends LakeFSError {
  override name = "ObjectChangedError";
  readonly path: string;
  readonly expectedETag: string;
  readonly actualETag: string;

  constructor(path: string, expectedETag: string, actualETag: string) {
    super(
      `object ${JSON.stringify(path)} changed while being read (ETag ${expectedETag} became ${actualETag})`,
    );
    this.path = path;
    this.expectedETag = expectedETag;
    this.actualETag = actualETag;
  }
}
