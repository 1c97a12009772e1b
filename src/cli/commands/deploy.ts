/**
 * `lambda-scheduler deploy [--out DIR] [-- SAM_ARGS...]`: `sam deploy` on the template that
 * `build` wrote.
 */
import { spawn } from "node:child_process";
import { accessSync, constants, existsSync } from "node:fs";
import { delimiter, join, relative, resolve } from "node:path";
import { Command, Option } from "commander";
import { ConfigurationError } from "../../errors.js";
import { addExamples, addJsonOption, outputOf } from "../command.js";
import { DEFAULT_BUILD_DIR } from "./build.js";

interface DeployOptionValues {
  readonly out: string;
}

/** The first `name` on `PATH` that may be executed, or undefined. */
export function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const extensions =
    process.platform === "win32" ? (env.PATHEXT ?? ".EXE;.CMD;.BAT").split(";") : [""];
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    for (const extension of extensions) {
      const candidate = join(dir, `${name}${extension}`);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/**
 * The `sam deploy` arguments: the built template, then `--guided` when neither the user's
 * arguments nor a samconfig.toml say where and how to deploy (stack name, region, the IAM
 * capability the stack's roles need), then the user's arguments.
 */
export function samDeployArgs(template: string, samArgs: readonly string[], cwd: string): string[] {
  const guided = samArgs.length === 0 && !existsSync(join(cwd, "samconfig.toml"));
  return ["deploy", "--template-file", template, ...(guided ? ["--guided"] : []), ...samArgs];
}

/** A command line as one copyable string, quoting what a POSIX shell would split. */
function shellLine(words: readonly string[]): string {
  return words
    .map((word) => (/^[\w./=:@+-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`))
    .join(" ");
}

/**
 * The `deploy` command: runs `sam deploy` (the AWS SAM CLI) on `<out>/template.yaml` and exits
 * with its code. Without `sam` on PATH it prints the one command to run once the SAM CLI is
 * installed, and exits 1: nothing was deployed, and a script that goes on must know.
 *
 * @example
 * program.addCommand(deployCommand());
 */
export function deployCommand(): Command {
  const command = new Command("deploy")
    .description("deploy the built functions and stack with the AWS SAM CLI (sam deploy)")
    .argument("[sam-args...]", "arguments for sam deploy, after --")
    .addOption(
      new Option("--out <dir>", "the folder `lambda-scheduler build` wrote").default(
        DEFAULT_BUILD_DIR,
      ),
    );
  addJsonOption(command);
  addExamples(command, [
    "deploy                                   # sam deploy --guided the first time",
    "deploy -- --stack-name schedules --parameter-overrides MaxReceiveCount=5",
  ]);
  return command.action(async (samArgs: string[], options: DeployOptionValues, self: Command) => {
    const out = outputOf(self);
    const template = resolve(options.out, "template.yaml");
    if (!existsSync(template)) {
      throw new ConfigurationError(
        `no built template at ${relative(process.cwd(), template)}: run lambda-scheduler build --jobs jobs/index.ts${options.out === DEFAULT_BUILD_DIR ? "" : ` --out ${options.out}`} first`,
      );
    }
    const args = samDeployArgs(relative(process.cwd(), template), samArgs, process.cwd());
    const sam = findOnPath("sam");
    if (sam === undefined) {
      const line = shellLine(["sam", ...args]);
      if (out.json) out.data({ deployed: false, command: line });
      else {
        out.note("the AWS SAM CLI (sam) is not on PATH: install it, then run");
        out.print(line);
        out.note(
          "(https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/install-sam-cli.html)",
        );
      }
      process.exitCode = 1;
      return;
    }
    out.note(`$ ${shellLine(["sam", ...args])}`);
    const status = await new Promise<number>((done, fail) => {
      const child = spawn(sam, args, { stdio: "inherit" });
      child.once("error", fail);
      child.once("close", (code) => done(code ?? 1));
    });
    if (out.json) out.data({ deployed: status === 0, exitCode: status });
    if (status !== 0) process.exitCode = 1;
  });
}
