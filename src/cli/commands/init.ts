/**
 * `lambda-scheduler init [dir]`: the files a project of scheduled jobs starts from.
 */
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { basename, dirname, join, relative, resolve } from "node:path";
import { Command } from "commander";
import { ConfigurationError } from "../../errors.js";
import { addExamples, addJsonOption, outputOf } from "../command.js";

/** The jobs module `init` writes, and the one the scripts it adds name. */
export const SCAFFOLD_JOBS = "jobs/index.ts";

const JOBS_MODULE = `/**
 * Your jobs. Every module that calls defineJob must be imported from here: this is the module
 * \`lambda-scheduler build\` bundles into the invoke function and \`lambda-scheduler dev\` runs.
 */
import { defineJob } from "lambda-scheduler";

export const hello = defineJob({
  name: "hello",
  description: "Logs a greeting to the name in its payload",
  handler(payload, ctx) {
    const fields = typeof payload === "object" && payload !== null ? (payload as { name?: unknown }) : {};
    const name = typeof fields.name === "string" ? fields.name : "world";
    ctx.logger.info(\`Hello, \${name}!\`, { scheduledAt: ctx.scheduledAt.toISOString() });
    // The result is kept (bounded) in the run's history: lambda-scheduler history <id>
    return { greeted: name };
  },
});
`;

const SCHEDULES = `{"id":"hello-every-minute","job":"hello","expression":"rate(1 minute)","payload":{"name":"world"}}
`;

const GITIGNORE = `node_modules/
# Local mode's SQLite file, loaded jobs bundles and the build (lambda-scheduler build)
.lambda-scheduler/
.aws-sam/
`;

/** The scripts `init` adds to package.json, unless a script of that name exists. */
export const SCAFFOLD_SCRIPTS = {
  dev: `lambda-scheduler dev --jobs ${SCAFFOLD_JOBS} --seed schedules.jsonl`,
  build: `lambda-scheduler build --jobs ${SCAFFOLD_JOBS}`,
  deploy: "lambda-scheduler deploy",
} as const;

/** What one `init` did. */
export interface InitReport {
  /** Files written, relative to the project folder. */
  readonly created: string[];
  /** Files that existed and were left as they were. */
  readonly left: string[];
  /** Scripts added to package.json, and those kept because the name was taken. */
  readonly scripts: { readonly added: string[]; readonly kept: string[] };
}

/** Writes `text` to `file` unless it exists; says which in `report`. */
async function writeNew(dir: string, file: string, text: string, report: InitReport) {
  const path = join(dir, file);
  if (existsSync(path)) {
    report.left.push(file);
    return;
  }
  await mkdir(dirname(path), { recursive: true });
  // `wx`: never replace a file that appeared since the check.
  await writeFile(path, text, { flag: "wx" });
  report.created.push(file);
}

/** Adds the scaffold's scripts to package.json (created if missing), keeping existing ones. */
async function mergeScripts(dir: string, report: InitReport): Promise<void> {
  const path = join(dir, "package.json");
  if (!existsSync(path)) {
    const manifest = {
      name: basename(resolve(dir))
        .toLowerCase()
        .replace(/[^a-z0-9._-]/g, "-"),
      version: "0.1.0",
      private: true,
      type: "module",
      scripts: { ...SCAFFOLD_SCRIPTS },
    };
    await writeFile(path, `${JSON.stringify(manifest, null, 2)}\n`, { flag: "wx" });
    report.created.push("package.json");
    report.scripts.added.push(...Object.keys(SCAFFOLD_SCRIPTS));
    return;
  }
  const text = await readFile(path, "utf8");
  let manifest: { scripts?: Record<string, string> } & Record<string, unknown>;
  try {
    manifest = JSON.parse(text);
  } catch (error) {
    throw new ConfigurationError(
      `package.json is not valid JSON (${(error as Error).message}): fix it, then run init again`,
      { cause: error },
    );
  }
  const scripts = { ...(manifest.scripts ?? {}) };
  for (const [name, line] of Object.entries(SCAFFOLD_SCRIPTS)) {
    if (name in scripts) report.scripts.kept.push(name);
    else {
      scripts[name] = line;
      report.scripts.added.push(name);
    }
  }
  if (report.scripts.added.length === 0) {
    report.left.push("package.json");
    return;
  }
  const indent = /^[ \t]+/m.exec(text)?.[0] ?? "  ";
  await writeFile(path, `${JSON.stringify({ ...manifest, scripts }, null, indent)}\n`);
}

/**
 * Scaffolds a project in `dir`: jobs/index.ts, schedules.jsonl, .gitignore and the package.json
 * scripts dev, build and deploy. Never replaces a file or a script; running it twice changes
 * nothing the second time.
 */
export async function scaffold(dir: string): Promise<InitReport> {
  const report: InitReport = { created: [], left: [], scripts: { added: [], kept: [] } };
  await mkdir(dir, { recursive: true });
  await writeNew(dir, SCAFFOLD_JOBS, JOBS_MODULE, report);
  await writeNew(dir, "schedules.jsonl", SCHEDULES, report);
  await writeNew(dir, ".gitignore", GITIGNORE, report);
  await mergeScripts(dir, report);
  return report;
}

/** Whether the project in `dir` lists lambda-scheduler among its dependencies. */
async function dependsOnUs(dir: string): Promise<boolean> {
  try {
    const manifest = JSON.parse(await readFile(join(dir, "package.json"), "utf8")) as Record<
      string,
      Record<string, string> | undefined
    >;
    return ["dependencies", "devDependencies"].some(
      (field) => manifest[field]?.["lambda-scheduler"] !== undefined,
    );
  } catch {
    return false;
  }
}

/**
 * The `init` command.
 *
 * @example
 * program.addCommand(initCommand());
 */
export function initCommand(): Command {
  const command = new Command("init")
    .description("start a project: an example job, a schedules file, package.json scripts")
    .argument("[dir]", "project folder", ".");
  addJsonOption(command);
  addExamples(command, ["init", "init my-schedules"]);
  return command.action(async (dir: string, _options: unknown, self: Command) => {
    const out = outputOf(self);
    const report = await scaffold(dir);
    if (out.json) {
      out.data(report);
      return;
    }
    const where = (file: string) => relative(process.cwd(), join(dir, file)) || file;
    for (const file of report.created) out.print(`created ${where(file)}`);
    for (const file of report.left) out.print(`left    ${where(file)} (exists)`);
    if (report.scripts.added.length > 0 && !report.created.includes("package.json")) {
      out.print(`added   package.json scripts: ${report.scripts.added.join(", ")}`);
    }
    if (report.scripts.kept.length > 0) {
      out.print(`kept    package.json scripts: ${report.scripts.kept.join(", ")} (exist)`);
    }
    const steps = [
      ...(dir === "." ? [] : [`cd ${dir}`]),
      ...((await dependsOnUs(dir)) ? [] : ["npm install --save-dev lambda-scheduler"]),
      "npm run dev      # runs jobs/index.ts on this machine, with schedules.jsonl",
      "npm run build && npm run deploy",
    ];
    out.note(`next:\n${steps.map((step) => `  ${step}`).join("\n")}`);
  });
}
