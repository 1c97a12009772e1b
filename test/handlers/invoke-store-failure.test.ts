/**
 * A store failure on the invoke side leaves a trace: through the Middy handler, each record
 * whose delivery the store failed is reported as a batch item failure, with exactly one log
 * line carrying its run, and one `delivery.failed` event on the errors topic. The store is a
 * real memory store behind a wrapper that refuses some calls as DynamoDB refuses a missing IAM
 * action: with a StoreError.
 */
import { beforeEach, describe, expect, it } from "vitest";
import type { FailureEvent } from "../../src/dispatch/errors-topic.js";
import { StoreError } from "../../src/errors.js";
import { createInvokeHandler } from "../../src/handlers/invoke.js";
import { createJsonLogger } from "../../src/logger.js";
import { defineJob } from "../../src/registry/define.js";
import { clearRegistry } from "../../src/registry/registry.js";
import { createMemoryStore } from "../../src/store/memory.js";
import type { ScheduleStore } from "../../src/store/types.js";
import { seedSchedule } from "../invoke/fixtures.js";
import { envelope, lambdaContext, sqsEvent, sqsRecord } from "../support/events.js";

beforeEach(() => clearRegistry());

type Method = "startRun" | "getSchedule" | "updateRun";

/** `store`, except that `method` fails for the schedules in `failing`. */
function failingFor(store: ScheduleStore, method: Method, failing: string[]): ScheduleStore {
  const refuse = (scheduleId: string) => {
    if (failing.includes(scheduleId)) {
      throw new StoreError(
        `DynamoDB ${method} on table "schedules" failed: AccessDeniedException: not authorized`,
      );
    }
  };
  return {
    ...store,
    startRun: async (run, condition) => {
      if (method === "startRun") refuse(run.scheduleId);
      return store.startRun(run, condition);
    },
    getSchedule: async (id) => {
      if (method === "getSchedule") refuse(id);
      return store.getSchedule(id);
    },
    updateRun: async (scheduleId, scheduledAt, changes, condition) => {
      if (method === "updateRun") refuse(scheduleId);
      return store.updateRun(scheduleId, scheduledAt, changes, condition);
    },
  };
}

describe.each<Method>(["startRun", "getSchedule", "updateRun"])(
  "the invoke handler when the store's %s fails",
  (method) => {
    it("fails the record with one log line carrying its run and one delivery.failed event", async () => {
      const store = createMemoryStore();
      const lines: Record<string, unknown>[] = [];
      const events: FailureEvent[] = [];
      const handler = createInvokeHandler({
        store: failingFor(store, method, ["broken"]),
        errorPublisher: { publish: async (event) => void events.push(event) },
        logger: createJsonLogger({ write: (line) => void lines.push(JSON.parse(line)) }),
        logInputOutput: false,
      });
      defineJob({ name: "hello", handler: () => undefined });
      const good = envelope({ scheduleId: "fine" });
      const bad = envelope({ scheduleId: "broken" });
      for (const sent of [good, bad]) await seedSchedule(store, sent);
      const badRecord = sqsRecord({ envelope: bad, receiveCount: 2 });

      const response = await handler(
        sqsEvent(sqsRecord({ envelope: good }), badRecord),
        lambdaContext(),
      );

      expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: badRecord.messageId }] });
      const aboutBad = lines.filter((line) => line.scheduleId === "broken");
      expect(aboutBad).toHaveLength(1);
      expect(aboutBad[0]).toMatchObject({
        level: "error",
        runId: bad.runId,
        scheduleId: "broken",
        job: "hello",
        attempt: 2,
        message: expect.stringContaining("AccessDeniedException"),
      });
      expect(events).toMatchObject([
        {
          type: "delivery.failed",
          runId: bad.runId,
          scheduleId: "broken",
          job: "hello",
          attempt: 2,
          final: false,
          error: { name: "StoreError" },
        },
      ]);
    });
  },
);
