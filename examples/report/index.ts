/**
 * The `report` job: a periodic report on a cron schedule. It only logs, but shows the shape of
 * a real one: the period comes from the *scheduled* time (`ctx.scheduledAt`), never from the
 * clock, so a late or retried run reports on the same period, and `ctx.runId` is the key that
 * makes writing the report idempotent.
 *
 * ```sh
 * lambda-scheduler add report --schedule "0 * * * *" --payload '{"title":"Hourly signups"}'
 * ```
 */

import { defineJob } from "lambda-scheduler";
import * as z from "zod";

/** What a `report` schedule carries. */
export const reportPayload = z.object({
  title: z.string().min(1),
  /** Length of the period reported on, ending at the scheduled time. */
  periodMinutes: z.number().int().positive().default(60),
});

export const report = defineJob({
  name: "report",
  description: "Logs a report on the period that ends at its scheduled time",
  payload: reportPayload,
  handler(payload, ctx) {
    const end = ctx.scheduledAt;
    const start = new Date(end.getTime() - payload.periodMinutes * 60_000);
    ctx.logger.info(`${payload.title}: ${start.toISOString()} – ${end.toISOString()}`, {
      reportKey: ctx.runId,
    });
    return { from: start.toISOString(), to: end.toISOString() };
  },
});
