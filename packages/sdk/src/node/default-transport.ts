/// <reference types="node" />
/**
 * Importing `lakefs-ts/node` makes clients created without `fetch` use the undici-`request`
 * transport on one shared keep-alive agent instead of Node's global fetch (see `transport.ts`).
 * Pass `fetch: globalThis.fetch` to a client to keep the global one (e.g. with a global
 * dispatcher set through `setGlobalDispatcher`).
 */
import { Agent } from "undici";
import { registerDefaultFetch } from "../api/http.js";
import { dispatcherFetch } from "./transport.js";

registerDefaultFetch(dispatcherFetch(new Agent()));
