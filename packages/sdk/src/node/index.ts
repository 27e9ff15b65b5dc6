/**
 * lakefs-ts for Node: everything in the core, plus reading the lakectl YAML file
 * (`LAKECTL_CONFIG_FILE` or `~/.lakectl.yaml`) when resolving configuration, Node stream /
 * file adapters for object I/O, and a faster HTTP transport as the default `fetch` of clients
 * created without one (`dispatcherFetch`, on a keep-alive undici agent).
 *
 * @module lakefs-ts/node
 */
import "./config-file.js";
import "./default-transport.js";

export * from "../index.js";
export { lakectlConfigPath, readLakectlFile } from "./config-file.js";
export * from "./local/index.js";
export { downloadToFile, nodeReadable, nodeWritable, uploadFile } from "./streams.js";
export * from "./sync/index.js";
export { type NodeTransportOptions, nodeFetch } from "./tls.js";
export { dispatcherFetch } from "./transport.js";
export { formatLakeFSUri, type LakeFSUri, parseLakeFSUri } from "./uri.js";
