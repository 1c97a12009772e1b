/**
 * The tick Lambda, invoked by the EventBridge rule once a minute. A thin Middy composition over
 * {@link runTick}: it builds the DynamoDB store, the SNS (standard) and SQS (precise)
 * dispatchers and the errors-topic publisher from the environment once per container, and gives
 * the core the time it has left.
 */
import middy, { type MiddyfiedHandler } from "@middy/core";
import type { Context } from "aws-lambda";
import { systemClock } from "../clock.js";
import { createSnsErrorPublisher } from "../dispatch/errors-topic.js";
import { createRoutingDispatcher } from "../dispatch/routing.js";
import { createSnsDispatcher } from "../dispatch/sns.js";
import { createSqsDispatcher } from "../dispatch/sqs.js";
import { ENV, intEnv, requireEnv, storeFromEnvironment } from "../environment.js";
import { createJsonLogger } from "../logger.js";
import { errorCapture } from "../middleware/error-capture.js";
import {
  runTick,
  type TickDependencies,
  type TickOptions,
  type TickSummary,
} from "../tick/tick.js";

/** Time kept back from the Lambda's remaining time to dispatch the last page and return. */
export const DEADLINE_MARGIN_MS = 10_000;

/** Options of {@link createTickHandler}: the core's dependencies and options. */
export interface TickHandlerOptions extends TickDependencies {
  readonly tick?: Omit<TickOptions, "deadline">;
  /** Default {@link DEADLINE_MARGIN_MS}. */
  readonly deadlineMarginMs?: number;
}

/** The tick handler: any event in (the schedule rule's), the tick's summary out. */
export type TickHandler = MiddyfiedHandler<unknown, TickSummary, Error, Context>;

/**
 * Composes the tick handler over {@link runTick}: one tick per invocation, stopping
 * `deadlineMarginMs` before the Lambda's time runs out; errors are captured and logged once.
 *
 * @example
 * const handler = createTickHandler({ store, dispatcher, clock: systemClock });
 * const summary = await handler({}, context); // { read, claimed, dispatched, … }
 */
export function createTickHandler(options: TickHandlerOptions): TickHandler {
  const { tick = {}, deadlineMarginMs = DEADLINE_MARGIN_MS, ...deps } = options;
  const logger = deps.logger ?? createJsonLogger({ fields: { handler: "tick" } });
  const runOnce = async (_event: unknown, context: Context): Promise<TickSummary> => {
    const remaining = context.getRemainingTimeInMillis();
    const deadline = deps.clock.now().getTime() + remaining - deadlineMarginMs;
    const summary = await runTick({ ...deps, logger }, { ...tick, deadline });
    logger.info("tick done", { ...summary });
    return summary;
  };
  return middy<unknown, TickSummary, Error, Context>(runOnce).use(errorCapture({ logger }));
}

/** Builds the tick handler from the Lambda's environment variables (see environment.ts). */
export function tickHandlerFromEnvironment(env: NodeJS.ProcessEnv = process.env): TickHandler {
  const logger = createJsonLogger({ fields: { handler: "tick" } });
  return createTickHandler({
    store: storeFromEnvironment(env),
    dispatcher: createRoutingDispatcher({
      standard: createSnsDispatcher({ topicArn: requireEnv(ENV.invocationsTopicArn, env) }),
      precise: createSqsDispatcher({ queueUrl: requireEnv(ENV.invocationsQueueUrl, env) }),
    }),
    reporter: createSnsErrorPublisher({ topicArn: requireEnv(ENV.errorsTopicArn, env), logger }),
    clock: systemClock,
    logger,
    tick: { runRetentionMs: intEnv(ENV.runRetentionDays, 30, env) * 86_400_000 },
  });
}

// Built on the first invocation, not at import: a missing variable then fails the invocation
// with a message that names it, and tests can import this module without AWS configuration.
let configured: TickHandler | undefined;

/** The Lambda entry point (`handlers/tick.handler`). */
export async function handler(event: unknown, context: Context): Promise<TickSummary> {
  configured ??= tickHandlerFromEnvironment();
  return configured(event, context);
}
