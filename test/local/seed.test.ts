import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { seedSchedules } from "../../src/local/index.js";
import { createMemoryStore } from "../../src/store/memory.js";
import { testJobs } from "../control/jobs.js";

function seedFile(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "seed-")), "schedules.jsonl");
  writeFileSync(path, text);
  return path;
}

describe("seeding", () => {
  it("skips blank lines and # comments", async () => {
    const store = createMemoryStore();
    const path = seedFile(
      '# two schedules\n\n{"job":"anything","expression":"rate(1 hour)"}\n{"job":"anything","expression":"rate(2 hours)"}\n',
    );
    expect((await seedSchedules(store, path, { jobs: testJobs })).schedules).toHaveLength(2);
  });

  const refusals = [
    {
      name: "a line that is not JSON",
      text: '{"job":"anything","expression":"rate(1 hour)"}\n{job: anything}\n',
      where: /:2: /,
    },
    {
      name: "a line that is not an object",
      text: "[1, 2]\n",
      where: /:1: a seed line is one JSON object/,
    },
    {
      name: "a job name the envelope cannot carry",
      text: '{"job":"anything","expression":"rate(1 hour)"}\n{"job":"has space","expression":"rate(1 hour)"}\n',
      where: /:2: job name "has space" is invalid/,
    },
    {
      name: "a null startAt",
      text: '{"job":"anything","expression":"rate(1 hour)","startAt":null}\n',
      where: /:1: startAt is null/,
    },
    {
      name: "an at() in the past",
      text: '{"job":"anything","expression":"rate(1 hour)"}\n{"job":"anything","expression":"at(2001-01-01T00:00:00)"}\n',
      where: /:2: at\(2001-01-01T00:00:00\) is in the past/,
    },
    {
      name: "an invalid schedule",
      text: '{"job":"anything","expression":"rate(1 hour)"}\n{"job":"hello","expression":"rate(1 hour)","payload":{}}\n',
      where: /:2: payload for job "hello" is invalid/,
    },
  ];
  it.each(refusals)(
    "refuses $name, naming the line, and writes nothing",
    async ({ text, where }) => {
      const store = createMemoryStore();
      await expect(seedSchedules(store, seedFile(text), { jobs: testJobs })).rejects.toThrow(where);
      expect((await store.listSchedules()).items).toEqual([]);
    },
  );
});
