/** papi's version (kept equal to package.json's by test/core/version.test.ts). */
export const PAPI_VERSION = "0.3.0";
