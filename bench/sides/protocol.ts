/**
 * The contract between the runner and a side (one child process per job): the runner passes a
 * `Job` as JSON in argv[2]; the side prints one line `RESULT <json>` (a `JobResult`) on stdout.
 * The Python side (python_side.py) implements the same contract.
 */

export interface Target {
  readonly endpoint: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly repo: string;
}

interface JobBase extends Target {
  readonly presign?: boolean;
}

export type Job =
  /** Upload one object of `size` payload bytes from a generated stream. */
  | (JobBase & {
      readonly op: "upload-big";
      readonly branch: string;
      readonly path: string;
      readonly size: number;
    })
  /** Download one object, counting its bytes. */
  | (JobBase & { readonly op: "download-big"; readonly ref: string; readonly path: string })
  /** Upload `count` objects of `size` bytes under `prefix`, `concurrency` at a time. */
  | (JobBase & {
      readonly op: "upload-small";
      readonly branch: string;
      readonly prefix: string;
      readonly count: number;
      readonly size: number;
      readonly concurrency: number;
    })
  /** Download the objects `prefix + i` for i < count, `concurrency` at a time. */
  | (JobBase & {
      readonly op: "download-small";
      readonly ref: string;
      readonly prefix: string;
      readonly count: number;
      readonly concurrency: number;
    })
  /** List everything under `prefix` (with `delimiter` when given), counting entries. */
  | (JobBase & {
      readonly op: "list";
      readonly ref: string;
      readonly prefix: string;
      readonly delimiter?: string;
    })
  /** Sequential stat / get / healthcheck round trips over `paths`, `rounds` times. */
  | (JobBase & {
      readonly op: "latency";
      readonly ref: string;
      readonly paths: readonly string[];
      readonly rounds: number;
    });

export type Op = Job["op"];

export interface JobResult {
  /** Wall time of the measured work only (no process start, imports or client set-up). */
  readonly seconds: number;
  readonly bytes?: number;
  readonly count?: number;
  /** ETag of an uploaded object (lets the runner check every side stored the same bytes). */
  readonly etag?: string;
  /** CPU time (user + system) the side's process spent on the measured work, seconds: a figure
   * that, unlike wall time, a busy machine barely changes. */
  readonly cpuSeconds: number;
  /** Resident set size just before the measured work, bytes. */
  readonly idleRss: number;
  /** Peak resident set size during the measured work (VmHWM reset before it), bytes. */
  readonly peakRss: number;
  /** Per-request latencies in milliseconds, by kind (latency jobs). */
  readonly samples?: Readonly<Record<string, readonly number[]>>;
}

export const RESULT_PREFIX = "RESULT ";
