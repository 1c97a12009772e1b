/**
 * The EventBridge Scheduler API calls of `import --from-eventbridge`: read every schedule
 * (ListSchedules, every page, then GetSchedule each), and disable the imported ones. The SDK
 * client is loaded only here, and only by that command: the Lambda bundles never import it.
 */
import type { SchedulerClient } from "@aws-sdk/client-scheduler";
import { SchedulerError } from "../errors.js";
import type { EventBridgeSchedule } from "../migrate/eventbridge.js";

/** A schedule's key in EventBridge Scheduler. */
export interface EventBridgeKey {
  readonly group: string;
  readonly name: string;
}

/** A client for the AWS environment (region, credentials, `AWS_ENDPOINT_URL`). */
export async function schedulerClient(): Promise<SchedulerClient> {
  const { SchedulerClient } = await import("@aws-sdk/client-scheduler");
  return new SchedulerClient({});
}

/** An SDK failure as one of ours, naming the call and the schedule. */
function failed(call: string, error: unknown): SchedulerError {
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new SchedulerError(`EventBridge Scheduler ${call} failed: ${reason}`, { cause: error });
}

/**
 * Every schedule (of `group`, or of every group), in full, in the order ListSchedules gives.
 * ListSchedules returns summaries only, so each is read again with GetSchedule. `pageSize`
 * (the service's default when absent) exists for tests of the paging.
 */
export async function readEventBridgeSchedules(
  client: SchedulerClient,
  group?: string,
  pageSize?: number,
): Promise<EventBridgeSchedule[]> {
  const { ListSchedulesCommand, GetScheduleCommand } = await import("@aws-sdk/client-scheduler");
  const keys: EventBridgeKey[] = [];
  let token: string | undefined;
  do {
    const page = await client
      .send(
        new ListSchedulesCommand({
          ...(group === undefined ? {} : { GroupName: group }),
          ...(token === undefined ? {} : { NextToken: token }),
          ...(pageSize === undefined ? {} : { MaxResults: pageSize }),
        }),
      )
      .catch((error: unknown) => {
        throw failed(`ListSchedules${group === undefined ? "" : ` (group ${group})`}`, error);
      });
    for (const summary of page.Schedules ?? []) {
      if (summary.Name !== undefined) {
        keys.push({ group: summary.GroupName ?? "default", name: summary.Name });
      }
    }
    token = page.NextToken;
  } while (token !== undefined);
  const schedules: EventBridgeSchedule[] = [];
  for (const { group: groupName, name } of keys) {
    const schedule = await client
      .send(new GetScheduleCommand({ Name: name, GroupName: groupName }))
      .catch((error: unknown) => {
        throw failed(`GetSchedule ${groupName}/${name}`, error);
      });
    schedules.push(schedule);
  }
  return schedules;
}

/**
 * Sets State DISABLED on each schedule, one at a time. UpdateSchedule replaces the whole
 * definition, so each is read again (GetSchedule) and written back with only its state
 * changed. Stops at the first failure; the result says which were disabled before it.
 */
export async function disableEventBridgeSchedules(
  client: SchedulerClient,
  keys: readonly EventBridgeKey[],
): Promise<{ disabled: string[]; failed?: { source: string; error: SchedulerError } }> {
  const { GetScheduleCommand, UpdateScheduleCommand } = await import("@aws-sdk/client-scheduler");
  const disabled: string[] = [];
  for (const { group, name } of keys) {
    const source = `${group}/${name}`;
    try {
      const current = await client.send(new GetScheduleCommand({ Name: name, GroupName: group }));
      const { $metadata, Arn, CreationDate, LastModificationDate, ...definition } = current;
      if (definition.State !== "DISABLED") {
        await client.send(
          new UpdateScheduleCommand({
            ...definition,
            Name: name,
            GroupName: group,
            ScheduleExpression: definition.ScheduleExpression,
            FlexibleTimeWindow: definition.FlexibleTimeWindow,
            Target: definition.Target,
            State: "DISABLED",
          }),
        );
      }
      disabled.push(source);
    } catch (error) {
      return { disabled, failed: { source, error: failed(`UpdateSchedule ${source}`, error) } };
    }
  }
  return { disabled };
}
