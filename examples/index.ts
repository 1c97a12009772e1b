/**
 * Every example job, for `npm start` (`lambda-scheduler dev --jobs examples/index.ts`) and the
 * Lambda bundle. Importing a job's module is what registers it: add one line per new example.
 */

export { ec2SnapshotJob } from "./ec2-snapshot/index.js";
export { hello } from "./hello/index.js";
export { report } from "./report/index.js";
