/** The SDK version, sent as `X-Lakefs-Client: lakefs-ts/<version>` (kept equal to package.json by a test). */
export const SDK_VERSION = "0.1.0";
