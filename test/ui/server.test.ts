/**
 * The dashboard's server without a browser: its routes, its refusals, and the live feed, on
 * the memory store. Requests go through node:http so that tests can set `Host` and `Origin` as
 * another site's page or a rebinding DNS name would.
 */
import { request } from "node:http";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { manualClock } from "../../src/clock.js";
import { createSchedule, pauseSchedule } from "../../src/control/index.js";
import type { Dispatcher } from "../../src/dispatch/types.js";
import { createMemoryStore } from "../../src/store/memory.js";
import { RUN_STATUS, type RunStatus, runIdOf, type ScheduleStore } from "../../src/store/types.js";
import { recentFailures } from "../../src/ui/failures.js";
import { type Dashboard, type DashboardOptions, startDashboard } from "../../src/ui/server.js";
import { buildAssets } from "./support.js";

let assetsDir: string;
let dashboard: Dashboard | undefined;

beforeAll(async () => {
  assetsDir = (await buildAssets()).dir;
});

afterEach(async () => {
  await dashboard?.close();
  dashboard = undefined;
});

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** One request to the dashboard; `headers` may override Host. */
function call(method: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  const url = new URL(path, (dashboard as Dashboard).origin);
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (response) => {
      let text = "";
      response.on("data", (chunk: Buffer) => {
        text += chunk.toString("utf8");
      });
      response.on("end", () =>
        resolve({ status: response.statusCode ?? 0, body: JSON.parse(text || "{}") }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

async function serve(
  store: ScheduleStore,
  options: Partial<DashboardOptions> = {},
): Promise<Dashboard> {
  dashboard = await startDashboard({
    store,
    storeLabel: "memory",
    port: 0,
    assetsDir,
    pollMs: 50,
    ...options,
  });
  return dashboard;
}

async function storeWith(...ids: string[]): Promise<ScheduleStore> {
  const store = createMemoryStore();
  for (const id of ids)
    await createSchedule({ id, job: "hello", expression: "rate(1 hour)" }, { store });
  return store;
}

describe("the dashboard's actions", () => {
  it.each([
    ["no token", {}],
    ["a wrong token", { "x-dashboard-token": "guess" }],
  ])("refuses a mutation with %s (403) and changes nothing", async (_case, headers) => {
    const store = await storeWith("nightly");
    await serve(store);
    const answer = await call("POST", "/api/schedules/nightly/pause", headers);
    expect(answer.status).toBe(403);
    expect(answer.body.error).toMatch(/needs the dashboard's token \(header x-dashboard-token\)/);
    expect((await store.getSchedule("nightly"))?.state).toBe("ENABLED");
  });

  it("refuses a mutation with the token from another site's page (Origin), and changes nothing", async () => {
    const store = await storeWith("nightly");
    const { token } = await serve(store);
    const answer = await call("POST", "/api/schedules/nightly/pause", {
      "x-dashboard-token": token,
      origin: "http://evil.example",
    });
    expect(answer).toEqual({
      status: 403,
      body: {
        error:
          'origin "http://evil.example" may not change schedules here: open the dashboard from the URL it printed',
      },
    });
    expect((await store.getSchedule("nightly"))?.state).toBe("ENABLED");
  });

  it("refuses any request under another host name (DNS rebinding)", async () => {
    const store = await storeWith("nightly");
    const { port } = await serve(store);
    const answer = await call("GET", "/api/snapshot", { host: `rebound.example:${port}` });
    expect(answer.status).toBe(403);
    expect(answer.body.error).toMatch(/host "rebound.example:\d+" is not this dashboard/);
  });

  it("pauses, resumes and deletes with the token, from its own origin", async () => {
    const store = await storeWith("nightly");
    const { token, origin } = await serve(store);
    const headers = { "x-dashboard-token": token, origin };
    expect(await call("POST", "/api/schedules/nightly/pause", headers)).toEqual({
      status: 200,
      body: { message: "schedule nightly is PAUSED" },
    });
    expect((await store.getSchedule("nightly"))?.state).toBe("PAUSED");
    await call("POST", "/api/schedules/nightly/resume", headers);
    expect((await store.getSchedule("nightly"))?.state).toBe("ENABLED");
    await call("POST", "/api/schedules/nightly/delete", headers);
    expect(await store.getSchedule("nightly")).toBeUndefined();
  });

  it.each([
    [
      "an unknown action",
      "/api/schedules/nightly/explode",
      404,
      /no action "explode" on schedules: the actions are pause, resume, run, delete/,
    ],
    [
      "a run action on a schedule",
      "/api/schedules/nightly/retry",
      404,
      /no action "retry" on schedules/,
    ],
    ["an unknown schedule", "/api/schedules/nope/pause", 404, /schedule "nope" does not exist/],
  ])("answers %s with what is wrong, and changes nothing", async (_case, path, status, message) => {
    const store = await storeWith("nightly");
    const { token } = await serve(store);
    const answer = await call("POST", path, { "x-dashboard-token": token });
    expect(answer.status).toBe(status);
    expect(answer.body.error).toMatch(message);
    expect(await store.getSchedule("nightly")).toMatchObject({ state: "ENABLED", version: 1 });
  });

  it("refuses run now without a transport, saying why, and records no run", async () => {
    const store = await storeWith("nightly");
    const { token } = await serve(store, { runNowUnavailable: "give the stack's --topic-arn" });
    const answer = await call("POST", "/api/schedules/nightly/run", { "x-dashboard-token": token });
    expect(answer).toEqual({ status: 409, body: { error: "give the stack's --topic-arn" } });
    expect((await store.listRuns("nightly")).items).toEqual([]);
  });

  it("runs now through the dispatcher it was given", async () => {
    const store = await storeWith("nightly");
    const sent: string[] = [];
    const dispatcher: Dispatcher = {
      async dispatch(dispatches) {
        sent.push(...dispatches.map((d) => d.envelope.runId));
        return { failed: [] };
      },
    };
    const { token } = await serve(store, { dispatcher });
    const answer = await call("POST", "/api/schedules/nightly/run", { "x-dashboard-token": token });
    expect(answer.status).toBe(200);
    expect(sent).toEqual([answer.body.runId]);
    const [run] = (await store.listRuns("nightly")).items;
    expect(run).toMatchObject({ runId: answer.body.runId, status: "DISPATCHED", manual: true });
  });
});

describe("retrying a run from the dashboard", () => {
  /** The schedule `nightly` with one run that failed for good, and a dashboard that keeps sends. */
  async function withFailedRun() {
    const store = await storeWith("nightly");
    const at = Date.parse("2026-01-05T09:00:00.000Z");
    const runId = runIdOf("nightly", at);
    await store.createRun({
      runId,
      scheduleId: "nightly",
      job: "hello",
      scheduledAt: at,
      dueAt: at,
      status: RUN_STATUS.FAILED,
      attempt: 3,
      createdAt: at,
      updatedAt: at,
      error: { name: "Error", message: "boom" },
    });
    const sent: string[] = [];
    const dispatcher: Dispatcher = {
      async dispatch(dispatches) {
        sent.push(...dispatches.map((d) => d.envelope.runId));
        return { failed: [] };
      },
    };
    const { token } = await serve(store, { dispatcher });
    return { store, runId, sent, headers: { "x-dashboard-token": token } };
  }

  it("sends a FAILED run again under its own run id, once", async () => {
    const { store, runId, sent, headers } = await withFailedRun();
    const path = `/api/runs/${encodeURIComponent(runId)}/retry`;
    const answer = await call("POST", path, headers);
    expect(answer).toEqual({
      status: 200,
      body: { message: `run ${runId} sent again as attempt 4`, runId },
    });
    expect(sent).toEqual([runId]);
    expect((await store.listRuns("nightly")).items).toMatchObject([
      { runId, status: "DISPATCHED" },
    ]);
    // A second click finds it on its way, and sends nothing.
    const again = await call("POST", path, headers);
    expect(again.status).toBe(409);
    expect(again.body.error).toMatch(/^cannot retry run .*: it is DISPATCHED/);
    expect(sent).toEqual([runId]);
    const unknown = await call(
      "POST",
      "/api/runs/nightly%402026-01-06T09%3A00%3A00.000Z/retry",
      headers,
    );
    expect(unknown.status).toBe(404);
  });

  it("refuses a retry without the token, and sends nothing", async () => {
    const { store, runId, sent } = await withFailedRun();
    const answer = await call("POST", `/api/runs/${encodeURIComponent(runId)}/retry`);
    expect(answer.status).toBe(403);
    expect(sent).toEqual([]);
    expect((await store.listRuns("nightly")).items).toMatchObject([{ status: "FAILED" }]);
  });
});

describe("the dashboard's reads", () => {
  it("refuses a timeline window that is not whole hours from 1 to 336", async () => {
    await serve(await storeWith("nightly"));
    for (const hours of ["0", "1.5", "337", "soon"]) {
      const answer = await call("GET", `/api/timeline?hours=${hours}`);
      expect(answer.status).toBe(400);
      expect(answer.body.error).toBe(
        `timeline hours must be a whole number from 1 to 336, got "${hours}"`,
      );
    }
  });

  it("marks the day a schedule's zone moves its clocks in the timeline", async () => {
    const clock = manualClock("2026-03-28T12:00:00Z");
    const store = createMemoryStore({ clock });
    await createSchedule(
      {
        id: "berlin",
        job: "hello",
        expression: "cron(30 2 * * ? *)",
        timezone: "Europe/Berlin",
        firstRun: "scheduled",
      },
      { store, clock },
    );
    await serve(store, { clock });
    const answer = await call("GET", "/api/timeline?hours=48");
    const [row] = answer.body.rows as { clockChanges: unknown[]; occurrences: { utc: string }[] }[];
    expect(row?.clockChanges).toEqual([
      {
        at: { utc: "2026-03-29T01:00:00.000Z", local: "2026-03-29 03:00:00 +02:00" },
        day: "2026-03-29",
        fromOffset: 60,
        toOffset: 120,
      },
    ]);
    // 02:30 does not exist on the 29th: the occurrence fires at the end of the gap.
    expect(row?.occurrences.map((at) => at.utc)).toEqual([
      "2026-03-29T01:00:00.000Z",
      "2026-03-30T00:30:00.000Z",
    ]);
  });

  it("shows no occurrences in the timeline for a paused schedule: it fires nothing until resumed", async () => {
    const clock = manualClock("2026-06-01T00:00:00Z");
    const store = createMemoryStore({ clock });
    for (const id of ["hourly", "paused"]) {
      await createSchedule({ id, job: "hello", expression: "rate(1 hour)" }, { store, clock });
    }
    await pauseSchedule("paused", { store, clock });
    await serve(store, { clock });
    const answer = await call("GET", "/api/timeline?hours=24");
    const rows = answer.body.rows as { id: string; state: string; occurrences: unknown[] }[];
    const summary = Object.fromEntries(
      rows.map((row) => [row.id, [row.state, row.occurrences.length]]),
    );
    expect(summary).toEqual({ hourly: ["ENABLED", 24], paused: ["PAUSED", 0] });
  });

  it("explains one schedule: its next 10 fire times in its zone and in UTC, runs and payload", async () => {
    const clock = manualClock("2026-01-01T00:00:00Z");
    const store = createMemoryStore({ clock });
    await createSchedule(
      {
        id: "weekday",
        job: "hello",
        expression: "0 9 * * 1-5",
        timezone: "America/New_York",
        payload: { a: [1] },
        firstRun: "scheduled",
      },
      { store, clock },
    );
    await serve(store, { clock });
    const answer = await call("GET", "/api/schedules/weekday");
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      id: "weekday",
      description: expect.stringMatching(/09:00 America\/New_York/),
      payload: '{\n  "a": [\n    1\n  ]\n}',
    });
    const next = answer.body.nextRuns as { utc: string; local: string }[];
    expect(next).toHaveLength(10);
    expect(next[0]).toEqual({
      utc: "2026-01-01T14:00:00.000Z",
      local: "2026-01-01 09:00:00 -05:00",
    });
  });

  it("answers 404 for a schedule that does not exist, and for an unknown path", async () => {
    await serve(await storeWith("nightly"));
    expect(await call("GET", "/api/schedules/nope")).toEqual({
      status: 404,
      body: { error: 'schedule "nope" does not exist' },
    });
    expect((await call("GET", "/etc/passwd")).status).toBe(404);
  });
});

describe("the live feed", () => {
  it("sends a snapshot at once, then another after the store changes", async () => {
    const store = await storeWith("nightly");
    await serve(store);
    const events: { schedules: { id: string; state: string }[] }[] = [];
    const url = new URL("/api/events", (dashboard as Dashboard).origin);
    const req = request(url);
    req.on("response", (response) => {
      expect(response.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
      let buffer = "";
      response.on("data", (chunk: Buffer) => {
        buffer += chunk.toString("utf8");
        for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (block.startsWith("event: snapshot") && data !== undefined)
            events.push(JSON.parse(data));
        }
      });
    });
    req.end();
    try {
      await expect.poll(() => events.length).toBe(1);
      expect(events[0]?.schedules[0]).toMatchObject({ id: "nightly", state: "ENABLED" });
      // Changed behind the dashboard's back, as the CLI or the tick would.
      await pauseSchedule("nightly", { store });
      await expect.poll(() => events.length).toBe(2);
      expect(events[1]?.schedules[0]).toMatchObject({ id: "nightly", state: "PAUSED" });
    } finally {
      req.destroy();
    }
  });
});

describe("recentFailures", () => {
  it("lists failed and expired runs across schedules, newest first, at most the limit", async () => {
    const store = await storeWith("a", "b");
    const failed = async (id: string, at: number, status: RunStatus = RUN_STATUS.FAILED) =>
      store.createRun({
        runId: runIdOf(id, at),
        scheduleId: id,
        job: "hello",
        scheduledAt: at,
        dueAt: at,
        status,
        attempt: 1,
        createdAt: at,
        updatedAt: at,
        error: { name: "Error", message: `boom ${at}` },
      });
    await failed("a", 1_000);
    await failed("b", 3_000);
    await failed("a", 2_000);
    await failed("b", 3_500, RUN_STATUS.EXPIRED);
    await failed("a", 3_700, RUN_STATUS.SKIPPED);
    await store.createRun({
      runId: runIdOf("b", 4_000),
      scheduleId: "b",
      job: "hello",
      scheduledAt: 4_000,
      dueAt: 4_000,
      status: RUN_STATUS.SUCCEEDED,
      attempt: 1,
      createdAt: 4_000,
      updatedAt: 4_000,
    });
    const runs = await recentFailures(store, 3);
    expect(runs.map((run) => run.runId)).toEqual([
      runIdOf("b", 3_500),
      runIdOf("b", 3_000),
      runIdOf("a", 2_000),
    ]);
  });
});

describe("startDashboard", () => {
  it("refuses a port in use, saying how to choose another", async () => {
    const { port } = await serve(createMemoryStore());
    await expect(
      startDashboard({ store: createMemoryStore(), storeLabel: "memory", port, assetsDir }),
    ).rejects.toThrow(
      `port ${port} on 127.0.0.1 is in use: choose another (ui --port N, dev --ui N; 0 picks a free one)`,
    );
  });

  it("refuses to start without its built page, saying how to build it", async () => {
    await expect(
      startDashboard({
        store: createMemoryStore(),
        storeLabel: "memory",
        port: 0,
        assetsDir: "/nonexistent",
      }),
    ).rejects.toThrow(
      "the dashboard's index.html is missing from /nonexistent: build the package (npm run build) first",
    );
  });
});
