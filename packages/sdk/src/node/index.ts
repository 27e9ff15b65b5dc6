/**
 * lakefs-ts for Node: everything in the core, plus reading the lakectl YAML file
 * (`LAKECTL_CONFIG_FILE` or `~/.lakectl.yaml`) when resolving configuration, and Node stream /
 * file adapters for object I/O.
 *
 * @module lakefs-ts/node
 */
import "./config-file.js";

export * from "../index.js";
export { lakectlConfigPath, readLakectlFile } from "./config-file.js";
export { downloadToFile, nodeReadable, nodeWritable, uploadFile } from "./streams.js";
export { type NodeTransportOptions, nodeFetch } from "./tls.js";
