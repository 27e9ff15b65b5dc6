/** File names a directory walk never reports as data. */

/** lakectl local's checkout marker, at the checkout's root. */
export const MARKER_NAME = ".lakefs_ref.yaml";

/** Suffix of a download in progress (`.<name>.lakefs-ts.part` next to its target). */
export const PART_SUFFIX = ".lakefs-ts.part";

/** True for the marker (and its temp files while rewritten) and our partial downloads. */
export function isInternalName(name: string): boolean {
  return name === MARKER_NAME || name.startsWith(`${MARKER_NAME}.`) || name.endsWith(PART_SUFFIX);
}
