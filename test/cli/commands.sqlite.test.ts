import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { describeCommands } from "./commands.js";

const dir = mkdtempSync(join(tmpdir(), "cli-sqlite-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeCommands({
  name: "the embedded store",
  newStore: async () => ({ LAMBDA_SCHEDULER_DB: join(dir, `${randomUUID()}.db`) }),
  runArgs: () => [],
  // Without --jobs, the run is queued in the file for `dev`.
  runStatus: "DISPATCHED",
  everyCase: true,
});
