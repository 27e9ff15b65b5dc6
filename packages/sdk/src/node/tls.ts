/// <reference types="node" />
/**
 * Node-only transport settings for `Client({ fetch })`: custom CA bundles, disabling certificate
 * verification, client certificates and an HTTP(S) proxy (the Python SDK's `verify_ssl`,
 * `ssl_ca_cert` and `proxy`). Built on undici, the library behind Node's own fetch, through the
 * same transport `lakefs-ts/node` uses by default (`transport.ts`).
 */
import { readFileSync } from "node:fs";
import { Agent, type Dispatcher, ProxyAgent } from "undici";
import { dispatcherFetch } from "./transport.js";

export interface NodeTransportOptions {
  /** Verify the server's certificate (default true). */
  readonly verifySsl?: boolean;
  /** Path of a PEM bundle of CA certificates to trust instead of the system ones. */
  readonly caFile?: string;
  /** PEM client certificate and key files, for servers that require mutual TLS. */
  readonly certFile?: string;
  readonly keyFile?: string;
  /** Proxy URL (`http://proxy:3128`); lakeFS traffic is tunnelled through it. */
  readonly proxy?: string;
}

/**
 * A fetch with these TLS and proxy settings, to pass as `new Client({ fetch: nodeFetch({...}) })`.
 */
export function nodeFetch(options: NodeTransportOptions = {}): typeof fetch {
  const tls = {
    rejectUnauthorized: options.verifySsl ?? true,
    ...(options.caFile && { ca: readFileSync(options.caFile) }),
    ...(options.certFile && { cert: readFileSync(options.certFile) }),
    ...(options.keyFile && { key: readFileSync(options.keyFile) }),
  };
  const dispatcher: Dispatcher = options.proxy
    ? new ProxyAgent({ uri: options.proxy, requestTls: tls })
    : new Agent({ connect: tls });
  return dispatcherFetch(dispatcher);
}
