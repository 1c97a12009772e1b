/**
 * The `hello` job: greets the name in its payload. The smallest complete job: a payload schema
 * (checked when a schedule is created, and again before each run) and a handler.
 *
 * ```sh
 * lambda-scheduler add hello --schedule "rate(5 seconds)" --payload '{"name":"Ada"}'
 * ```
 */

import { defineJob } from "lambda-scheduler";
import * as z from "zod";

/** What a `hello` schedule carries. */
export const helloPayload = z.object({ name: z.string().min(1) });

export const hello = defineJob({
  name: "hello",
  description: "Logs a greeting to the name in its payload",
  payload: helloPayload,
  handler(payload, ctx) {
    ctx.logger.info(`Hello, ${payload.name}!`, { scheduledAt: ctx.scheduledAt.toISOString() });
    // The result is kept (bounded) in the run's history.
    return { greeted: payload.name };
  },
});
