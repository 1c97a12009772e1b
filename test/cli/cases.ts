/**
 * Command lines the CLI must refuse, on any store: each with what its error says.
 */
import { JOBS } from "./support.js";

/** A command line and what its error says. */
export interface Case {
  readonly what: string;
  readonly args: string[];
  readonly says: RegExp;
  /** Checked on every store; the others only on the embedded one (spawns are not free). */
  readonly everyStore?: boolean;
}

/** Input the CLI refuses: exit 1, a message that says what is wrong, nothing written. */
export const REFUSED: readonly Case[] = [
  {
    what: "a bad expression",
    everyStore: true,
    args: ["add", "greet", "--schedule", "rate(5 minuts)"],
    says: /rate unit "minuts"/,
  },
  {
    what: "a bad time zone",
    everyStore: true,
    args: ["add", "greet", "--schedule", "rate(5 minutes)", "--tz", "Mars/Olympus"],
    says: /time zone "Mars\/Olympus".*--tz/,
  },
  {
    what: "a payload that is not JSON",
    everyStore: true,
    args: ["add", "greet", "--schedule", "rate(5 minutes)", "--payload", "{bad"],
    says: /--payload is not JSON .*--payload '\{"name":"Ada"\}'/,
  },
  {
    what: "a payload failing the job's schema",
    everyStore: true,
    args: [
      "add",
      "greet",
      "--schedule",
      "rate(5 minutes)",
      "--payload",
      '{"name":""}',
      "--jobs",
      JOBS,
    ],
    says: /payload for job "greet" is invalid: \$\.name/,
  },
  {
    what: "an unknown job",
    everyStore: true,
    args: ["add", "nope", "--schedule", "rate(5 minutes)", "--jobs", JOBS],
    says: /unknown job "nope"; registered jobs: broken, greet/,
  },
  {
    what: "a bad duration",
    everyStore: true,
    args: ["add", "greet", "--schedule", "rate(5 minutes)", "--jitter", "5x"],
    says: /--jitter "5x" is not a duration: .*30s, 5m/,
  },
  {
    what: "a bad lateness",
    args: ["add", "greet", "--schedule", "rate(5 minutes)", "--max-lateness", "soon"],
    says: /--max-lateness "soon" is not a duration/,
  },
  {
    what: "a lateness of 0s, which would make every run MISSED",
    args: ["add", "greet", "--schedule", "rate(5 minutes)", "--max-lateness", "0s"],
    says: /--max-lateness "0s" would record every run as MISSED: use at least 1s, or leave it out for no limit/,
  },
  {
    what: "a lateness under a second",
    args: ["update", "every-option", "--max-lateness", "500ms"],
    says: /--max-lateness "500ms" .*use at least 1s/,
  },
  {
    what: "a run limit of 0",
    args: ["add", "greet", "--schedule", "rate(5 minutes)", "--max-runs", "0"],
    says: /maxRuns must be .* \(option --max-runs\)/,
  },
  {
    what: "a start without an offset",
    args: ["add", "greet", "--schedule", "rate(5 minutes)", "--start", "2026-01-01T00:00:00"],
    says: /startAt "2026-01-01T00:00:00" is not an instant: .*2026-12-01T10:00:00Z/,
  },
  {
    what: "an id held by another schedule",
    everyStore: true,
    args: ["add", "greet", "--schedule", "rate(2 hours)", "--id", "every-option"],
    says: /schedule "every-option" already exists and differs from this one[\s\S]*\n {2}expression: +stored .+, given rate\(2 hours\)\n[\s\S]*update every-option --schedule 'rate\(2 hours\)'.*; or give another --id/,
  },
  {
    what: "a one-off time in the past",
    args: ["add", "greet", "--schedule", "at(2020-01-01T00:00:00)"],
    says: /in the past .*give a future time, or run an existing schedule's job once now with "lambda-scheduler run <id>"/,
  },
  {
    what: "a payload file that does not exist",
    args: ["add", "greet", "--schedule", "rate(5 minutes)", "--payload-file", "missing.json"],
    says: /cannot read the payload file missing\.json: it does not exist/,
  },
  {
    what: "an update whose payload fails the schema",
    everyStore: true,
    args: ["update", "every-option", "--payload", '{"name":""}', "--jobs", JOBS],
    says: /payload for job "greet" is invalid: \$\.name/,
  },
  {
    what: "an update with a bad expression",
    args: ["update", "every-option", "--schedule", "cron(99 * * * ? *)"],
    says: /minute/,
  },
  {
    what: "an export into a folder that does not exist",
    args: ["export", "--output", "missing/schedules.jsonl"],
    says: /^error: --output missing\/schedules\.jsonl: folder missing does not exist; create it first \(mkdir -p missing\)/,
  },
  { what: "an unknown schedule", args: ["pause", "nope"], says: /schedule "nope" does not exist/ },
  {
    what: "a removal without --yes and no terminal",
    everyStore: true,
    args: ["remove", "every-option"],
    says: /no terminal to confirm on; pass --yes/,
  },
];

/** Command lines that are wrong as such: exit 2, and nothing written either. */
export const USAGE: readonly Case[] = [
  {
    what: "add without --schedule",
    args: ["add", "greet"],
    says: /required option '--schedule <expr>'/,
  },
  { what: "an unknown option", args: ["list", "--bogus"], says: /unknown option '--bogus'/ },
  { what: "a missing argument", args: ["show"], says: /missing required argument 'id'/ },
  { what: "an unknown command", args: ["frobnicate"], says: /unknown command 'frobnicate'/ },
  {
    what: "a catch-up policy that does not exist",
    args: ["add", "greet", "--schedule", "rate(1 hour)", "--catch-up", "sometimes"],
    says: /allowed: latest, all, none/,
  },
  {
    what: "two payloads",
    args: [
      "add",
      "greet",
      "--schedule",
      "rate(1 hour)",
      "--payload",
      "{}",
      "--payload-file",
      "x.json",
    ],
    says: /--payload and --payload-file both give the payload/,
  },
  {
    what: "an update that changes nothing",
    args: ["update", "every-option"],
    says: /nothing to change/,
  },
  { what: "a limit of 0", args: ["list", "--limit", "0"], says: /--limit/ },
  {
    what: "an unknown run status",
    args: ["history", "every-option", "--status", "nope"],
    says: /allowed: PENDING/,
  },
  {
    what: "a table and a file",
    everyStore: true,
    args: ["list", "--table", "t", "--db", "x.db"],
    says: /--table and --db/,
  },
];
