/**
 * Malformed bytes on a connection (a request that cannot be parsed) answered in request order.
 * Node reports such bytes as a client error as soon as it parses them, even when they trail a
 * complete request whose response is still being produced (a client whose body ran past its
 * `Content-Length`, for instance). Fastify's default would write its 400 at once — before the
 * earlier request's answer — and destroy the socket. Like lakeFS's Go server, we answer the
 * complete requests first, then send the 400 and close the connection.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { FastifyReply, FastifyRequest } from "fastify";

interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
}

/** Requests received on a socket whose responses have not finished yet. */
const inFlight = new WeakMap<Socket, Set<Exchange>>();
/** Sockets whose error answer waits for their in-flight responses, with the error. */
const closing = new WeakMap<Socket, NodeJS.ErrnoException>();

/** Go's net/http answer to a request it cannot read (lakeFS's server is Go's). */
function rawResponse(err: NodeJS.ErrnoException | undefined): string {
  const status =
    err?.code === "HPE_HEADER_OVERFLOW"
      ? "431 Request Header Fields Too Large"
      : err?.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? "408 Request Timeout"
        : "400 Bad Request";
  return `HTTP/1.1 ${status}\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n${status}`;
}

/** `onRequest` hook: remembers the exchange until its response is finished. */
export function trackExchange(req: FastifyRequest, reply: FastifyReply, done: () => void): void {
  const socket = req.raw.socket;
  let exchanges = inFlight.get(socket);
  if (!exchanges) {
    exchanges = new Set();
    inFlight.set(socket, exchanges);
  }
  const exchange = { req: req.raw, res: reply.raw };
  exchanges.add(exchange);
  const settle = () => {
    exchanges.delete(exchange);
    if (exchanges.size === 0 && closing.has(socket)) rejectAndClose(socket);
  };
  reply.raw.once("finish", settle);
  reply.raw.once("close", settle);
  done();
}

function rejectAndClose(socket: Socket, err = closing.get(socket)): void {
  closing.delete(socket);
  if (socket.destroyed) return;
  if (socket.writable) socket.end(rawResponse(err), () => socket.destroy());
  else socket.destroy();
}

/** Fastify's `clientErrorHandler`. */
export function handleClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === "ECONNRESET" || socket.destroyed) return;
  const exchanges = inFlight.get(socket);
  const pending = exchanges ? [...exchanges] : [];
  // A request whose own body is unfinished is the broken one: nothing to wait for.
  if (pending.length > 0 && pending.every((x) => x.req.complete)) {
    if (!closing.has(socket)) closing.set(socket, err);
    socket.pause(); // the rest is garbage; stop reading it
    return;
  }
  if (pending.length > 0) {
    socket.destroy(); // a response may be half written: any error answer would corrupt it
    return;
  }
  rejectAndClose(socket, err);
}
