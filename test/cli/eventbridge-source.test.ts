/**
 * The EventBridge Scheduler calls of the import, on the emulator: every page is read, and
 * disabling stops at the first schedule it cannot update, saying which were disabled before.
 */
import {
  CreateScheduleCommand,
  CreateScheduleGroupCommand,
  GetScheduleCommand,
  SchedulerClient,
} from "@aws-sdk/client-scheduler";
import { beforeAll, describe, expect, it } from "vitest";
import {
  disableEventBridgeSchedules,
  readEventBridgeSchedules,
} from "../../src/cli/eventbridge-source.js";
import { awsClientConfig, uniqueName } from "../support/aws.js";

const client = new SchedulerClient(awsClientConfig());
const NAMES = ["a", "b", "c", "d", "e"];

describe("EventBridge Scheduler, read and disabled", () => {
  const group = uniqueName("eb-source");
  beforeAll(async () => {
    await client.send(new CreateScheduleGroupCommand({ Name: group }));
    for (const name of NAMES) {
      await client.send(
        new CreateScheduleCommand({
          Name: name,
          GroupName: group,
          ScheduleExpression: "rate(1 hour)",
          FlexibleTimeWindow: { Mode: "OFF" },
          Target: {
            Arn: "arn:aws:lambda:us-east-1:123456789012:function:report",
            RoleArn: "arn:aws:iam::123456789012:role/scheduler",
            Input: `{"name":"${name}"}`,
          },
        }),
      );
    }
  });

  it("reads every page of the listing, each schedule in full", async () => {
    const schedules = await readEventBridgeSchedules(client, group, 2);
    expect(schedules.map((schedule) => schedule.Name).sort()).toEqual(NAMES);
    expect(schedules.every((schedule) => schedule.Target?.Input?.startsWith('{"name"'))).toBe(true);
  });

  it("stops at a schedule it cannot disable, and says which were disabled before it", async () => {
    const keys = [
      { group, name: "a" },
      { group, name: "missing" },
      { group, name: "b" },
    ];
    const result = await disableEventBridgeSchedules(client, keys);
    expect(result.disabled).toEqual([`${group}/a`]);
    expect(result.failed?.source).toBe(`${group}/missing`);
    expect(result.failed?.error.message).toMatch(
      /UpdateSchedule .*missing failed: ResourceNotFound/,
    );
    const b = await client.send(new GetScheduleCommand({ Name: "b", GroupName: group }));
    expect(b.State).toBe("ENABLED");
    const a = await client.send(new GetScheduleCommand({ Name: "a", GroupName: group }));
    expect(a).toMatchObject({ State: "DISABLED", Target: { Input: '{"name":"a"}' } });
  });
});
