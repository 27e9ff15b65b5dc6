/**
 * Synchronous calls from the Lua worker to the main thread, for what only the main thread can
 * do without blocking Lua's synchronous API: the server's own API (`lakefs`) and outbound HTTP
 * (`net/http`). The worker posts the request on a MessagePort and sleeps on a shared flag; the
 * main thread answers on the port and raises the flag. The main thread never waits on the
 * worker, so a script calling back into the server cannot deadlock it; a call that never
 * returns is ended by the hook's deadline, which terminates the worker.
 */
import { type MessagePort, receiveMessageOnPort } from "node:worker_threads";

export interface ApiCall {
  readonly kind: "lakefs";
  readonly method: string;
  /** Below `/api/v1`, segments already escaped. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** JSON text. */
  readonly body?: string | undefined;
}

export interface HttpCall {
  readonly kind: "http";
  readonly method: string;
  readonly url: string;
  readonly headers: readonly (readonly [string, string])[];
  readonly body?: Uint8Array | undefined;
}

export type HostRequest = ApiCall | HttpCall;

export interface HostResponse {
  readonly status: number;
  readonly statusText?: string;
  readonly headers?: readonly (readonly [string, string])[];
  readonly body: Uint8Array;
}

/** What the worker gets back: the response, or why the call failed. */
type Reply = { readonly response: HostResponse } | { readonly error: string };

/** The shared flag: 0 while a call is pending, 1 once its reply was posted. */
export const newFlag = () => new Int32Array(new SharedArrayBuffer(4));

/** Worker side: a blocking call. Throws the main thread's error message. */
export type HostCall = (request: HostRequest) => HostResponse;

export function hostCaller(port: MessagePort, flag: Int32Array): HostCall {
  return (request) => {
    Atomics.store(flag, 0, 0);
    port.postMessage(request);
    Atomics.wait(flag, 0, 0);
    const reply = receiveMessageOnPort(port)?.message as Reply | undefined;
    if (reply === undefined) throw new Error("host call lost its reply");
    if ("error" in reply) throw new Error(reply.error);
    return reply.response;
  };
}

/** Main side: answers the worker's calls with `handle` until the port closes. */
export function serveHostCalls(
  port: MessagePort,
  flag: Int32Array,
  handle: (request: HostRequest) => Promise<HostResponse>,
): void {
  port.on("message", (request: HostRequest) => {
    handle(request).then(
      (response) => reply({ response }),
      (err: unknown) => reply({ error: err instanceof Error ? err.message : String(err) }),
    );
  });
  function reply(message: Reply): void {
    try {
      port.postMessage(message);
    } catch {
      return; // the hook ended (port closed) while the call ran
    }
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  }
}
