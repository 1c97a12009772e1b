import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { ConfigurationError } from "../../src/errors.js";
import { loadJobs, seedSchedules } from "../../src/local/index.js";
import { getJob, registryJobs } from "../../src/registry/registry.js";
import { createMemoryStore } from "../../src/store/memory.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

describe("loading a jobs module", () => {
  it("bundles TypeScript with its relative imports and registers its jobs", async () => {
    const jobs = await loadJobs("test/local/fixtures/jobs.ts", { cwd: ROOT });
    expect(jobs.map((job) => job.name)).toContain("fixture-greet");
    const job = getJob("fixture-greet");
    expect(await job?.handler({ name: "Ada" }, {} as never)).toBe("Hello, Ada!");
  });

  it("can load the same module again (a restart in one process)", async () => {
    await loadJobs("test/local/fixtures/jobs.ts", { cwd: ROOT });
    await expect(loadJobs("test/local/fixtures/jobs.ts", { cwd: ROOT })).resolves.toBeDefined();
  });

  it("says which file is missing", async () => {
    const attempt = loadJobs("test/local/fixtures/nope.ts", { cwd: ROOT });
    await expect(attempt).rejects.toBeInstanceOf(ConfigurationError);
    await expect(attempt).rejects.toThrow(
      /jobs module test\/local\/fixtures\/nope\.ts does not exist/,
    );
  });

  it("says where a module does not compile", async () => {
    const dir = mkdtempSync(join(tmpdir(), "broken-jobs-"));
    writeFileSync(join(dir, "broken.ts"), "// two lines\nexport const broken = ;\n");
    await expect(loadJobs("broken.ts", { cwd: dir })).rejects.toThrow(
      /does not compile: .*broken\.ts:2/s,
    );
  });
});

describe("the package imported by name from a jobs module", () => {
  beforeAll(async () => {
    // The CLI runs from the built library; build it if this run has not.
    if (!existsSync(`${ROOT}/dist/lib/index.js`)) {
      const { buildLibrary } = (await import(pathToFileURL(`${ROOT}/build.mjs`).href)) as {
        buildLibrary: () => Promise<void>;
      };
      await buildLibrary();
    }
  });

  it("is the CLI's own copy, so the jobs land in the CLI's registry", async () => {
    const script = `
      const { loadJobs } = await import(${JSON.stringify(pathToFileURL(`${ROOT}/dist/lib/local/load-jobs.js`).href)});
      const { getJob } = await import(${JSON.stringify(pathToFileURL(`${ROOT}/dist/lib/registry/registry.js`).href)});
      await loadJobs("test/local/fixtures/self-reference.mjs");
      console.log(JSON.stringify(getJob("fixture-self-reference")?.name ?? null));
    `;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--input-type=module", "-e", script],
      {
        cwd: ROOT,
      },
    );
    expect(JSON.parse(stdout.trim())).toBe("fixture-self-reference");
  });
});

describe("the examples", () => {
  it("define hello and report, and their seed applies to an empty store", async () => {
    const jobs = await loadJobs("examples/index.ts", { cwd: ROOT });
    expect(jobs.map((job) => job.name)).toEqual(expect.arrayContaining(["hello", "report"]));
    const store = createMemoryStore();
    const seeded = await seedSchedules(store, `${ROOT}/examples/schedules.jsonl`, {
      jobs: registryJobs,
    });
    expect(seeded.applied).toBe(true);
    expect(seeded.schedules.map((s) => [s.id, s.job, s.expression])).toEqual([
      ["hello-every-5s", "hello", "rate(5 seconds)"],
      ["hourly-report", "report", "0 * * * *"],
    ]);
    expect(await seedSchedules(store, `${ROOT}/examples/schedules.jsonl`)).toEqual({
      applied: false,
      schedules: [],
    });
  });

  it("greet by name", async () => {
    await loadJobs("examples/index.ts", { cwd: ROOT });
    const lines: string[] = [];
    const logger = { debug() {}, info: (m: string) => lines.push(m), warn() {}, error() {} };
    const result = await getJob("hello")?.handler(
      { name: "world" },
      {
        runId: "r",
        scheduleId: "s",
        job: "hello",
        scheduledAt: new Date(0),
        attempt: 1,
        logger,
        signal: new AbortController().signal,
      },
    );
    expect(result).toEqual({ greeted: "world" });
    expect(lines).toEqual(["Hello, world!"]);
  });
});

describe("a jobs module in a folder with no lambda-scheduler installed", () => {
  const cli = fileURLToPath(new URL("../../bin/lambda-scheduler.js", import.meta.url));
  let dir: string;

  beforeAll(async () => {
    if (!existsSync(`${ROOT}/dist/lib/cli/main.js`)) {
      throw new Error("these tests run the built CLI: run npm run build first");
    }
    dir = mkdtempSync(join(tmpdir(), "jobs-anywhere-"));
    const define = (name: string) =>
      `import { defineJob } from "lambda-scheduler";\nexport const job = defineJob({ name: ${JSON.stringify(name)}, handler() {} });\n`;
    writeFileSync(join(dir, "alone.ts"), define("alone"));
    writeFileSync(join(dir, "first.ts"), define("twice"));
    writeFileSync(join(dir, "second.ts"), `import "./first.js";\n${define("twice")}`);
    writeFileSync(
      join(dir, "throws.ts"),
      'import { defineJob } from "lambda-scheduler";\n\nthrow new Error("no API key in the environment");\n',
    );
  });

  /** Runs the built CLI in the folder; resolves with its exit code and output. */
  async function run(...args: string[]) {
    try {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, [cli, ...args], {
        cwd: dir,
        env: { ...process.env, NO_COLOR: "1" },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  }

  it("gets the CLI's own package for `lambda-scheduler`", async () => {
    const { code, stdout } = await run("jobs", "--jobs", "alone.ts", "--json");
    expect(code).toBe(0);
    expect(JSON.parse(stdout).map((job: { name: string }) => job.name)).toContain("alone");
  });

  it("names both source modules of a duplicate job name, not the temporary bundle", async () => {
    const { code, stderr } = await run("jobs", "--jobs", "second.ts");
    expect(code).toBe(1);
    expect(stderr).toMatch(/job "twice" is defined twice: in \S*first\.ts and in \S*second\.ts/);
    expect(stderr).not.toMatch(/\.lambda-scheduler/);
  });

  it("says in one line which file threw while loading, and what", async () => {
    const { code, stderr } = await run("jobs", "--jobs", "throws.ts");
    expect(code).toBe(1);
    expect(stderr).toBe(
      "error: jobs module throws.ts failed while loading (at throws.ts:3:7): Error: no API key in the environment\n",
    );
  });
});
