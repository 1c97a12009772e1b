/**
 * The tick Lambda. One function, two roles, told apart by the event:
 *
 * - **Coordinator**: invoked by the EventBridge rule once a minute (any event that is not from
 *   SQS). It hands every shard whose first due page is full to the shard queue at once, one
 *   message each, and works the light shards itself.
 * - **Worker**: invoked by the shard queue (an SQS event of `{"shard": n}` bodies). It works
 *   the shards named, and hands a shard still unfinished at its deadline on to the queue again.
 *
 * Every shard is worked under a lease in the store, so a duplicate or late shard message finds
 * the lease held and returns. A thin Middy composition over {@link runTick}: it builds the
 * DynamoDB store, the SNS (standard) and SQS (precise) dispatchers, the errors-topic publisher
 * and the shard queue from the environment once per container, and gives the core the time it
 * has left.
 */
import type { Logger as PowertoolsLogger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import type { Metrics } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import middy, { type MiddyfiedHandler } from "@middy/core";
import type { Context } from "aws-lambda";
import { systemClock } from "../clock.js";
import { createSnsErrorPublisher } from "../dispatch/errors-topic.js";
import { createRoutingDispatcher } from "../dispatch/routing.js";
import { createShardQueue, decodeShardMessage, type ShardQueue } from "../dispatch/shard-queue.js";
import { createSnsDispatcher } from "../dispatch/sns.js";
import { createSqsDispatcher } from "../dispatch/sqs.js";
import { ENV, intEnv, requireEnv, storeFromEnvironment } from "../environment.js";
import { tickFigures } from "../figures.js";
import { addTickMetrics, metricsFromEnvironment } from "../metrics.js";
import { errorCapture } from "../middleware/error-capture.js";
import { createPowertoolsLogger, powertoolsAdapter } from "../powertools-logger.js";
import {
  type FanOut,
  runTick,
  type TickDependencies,
  type TickLogger,
  type TickOptions,
  type TickSummary,
} from "../tick/tick.js";

/** Time kept back from the Lambda's remaining time to dispatch the last page and return. */
export const DEADLINE_MARGIN_MS = 10_000;

/** Options of {@link createTickHandler}: the core's dependencies and options. */
export interface TickHandlerOptions extends TickDependencies {
  /** The core's tuning; the handler sets the deadline, the shards and the fan-out. */
  readonly tick?: Omit<TickOptions, "deadline" | "shards" | "fanOut">;
  /** Default {@link DEADLINE_MARGIN_MS}. */
  readonly deadlineMarginMs?: number;
  /**
   * Where shards go to other workers. Default none: the coordinator works every shard itself
   * and leaves what it cannot finish to the next tick.
   */
  readonly shardQueue?: ShardQueue;
  /**
   * Where the tick's figures go as CloudWatch metrics (EMF on standard output, published by
   * the `logMetrics` middleware at the end of each invocation). Default none.
   */
  readonly metrics?: Metrics;
  /**
   * The Powertools logger whose lines get the Lambda context (`injectLambdaContext`); `logger`
   * defaults to it. Default: one of service `lambda-scheduler` (see powertools-logger.ts).
   */
  readonly powertoolsLogger?: PowertoolsLogger;
}

/** The tick handler: the schedule rule's event or a shard-queue batch in, the summary out. */
export type TickHandler = MiddyfiedHandler<unknown, TickSummary, Error, Context>;

/**
 * Composes the tick handler over {@link runTick}: one tick per invocation, stopping
 * `deadlineMarginMs` before the Lambda's time runs out; errors are captured and logged once.
 * An SQS event makes it a worker of the shards its records name; any other event, the
 * coordinator of every shard (see the module's comment).
 *
 * @example
 * const handler = createTickHandler({ store, dispatcher, clock: systemClock, shardQueue });
 * const summary = await handler({}, context); // { read, claimed, handedOff, … }
 */
export function createTickHandler(options: TickHandlerOptions): TickHandler {
  const {
    tick = {},
    deadlineMarginMs = DEADLINE_MARGIN_MS,
    shardQueue,
    metrics,
    powertoolsLogger,
    ...deps
  } = options;
  const powertools = powertoolsLogger ?? createPowertoolsLogger("tick");
  const logger = deps.logger ?? powertoolsAdapter(powertools);
  const runOnce = async (event: unknown, context: Context): Promise<TickSummary> => {
    const remaining = context.getRemainingTimeInMillis();
    const startedAt = deps.clock.now().getTime();
    const deadline = startedAt + remaining - deadlineMarginMs;
    const shards = shardsOf(event, logger);
    // A worker hands on only what it could not finish; the coordinator also hands off at once
    // every shard too heavy to finish alongside the others.
    const fanOut: FanOut | undefined =
      shardQueue === undefined
        ? undefined
        : { handOff: (handed) => shardQueue.handOff(handed), eager: shards === undefined };
    const summary = await runTick(
      { ...deps, logger },
      {
        ...tick,
        deadline,
        ...(shards === undefined ? {} : { shards }),
        ...(fanOut === undefined ? {} : { fanOut }),
      },
    );
    if (metrics !== undefined) {
      addTickMetrics(metrics, tickFigures(summary, startedAt, deps.clock.now().getTime()));
    }
    logger.info("tick done", {
      role: shards === undefined ? "coordinator" : "worker",
      ...(shards === undefined ? {} : { shards }),
      ...summary,
    });
    return summary;
  };
  // First, so that every line of the invocation, the other middleware's included, has it.
  const handler = middy<unknown, TickSummary, Error, Context>(runOnce).use(
    injectLambdaContext(powertools),
  );
  if (metrics !== undefined) handler.use(logMetrics(metrics));
  return handler.use(errorCapture({ logger }));
}

/**
 * The shards an SQS event of shard work items names (each once), or undefined when `event` is
 * not from SQS (the coordinator's). A record whose body is not a shard work item is logged and
 * dropped: retrying it would fail the same way until it reached the dead-letter queue.
 */
export function shardsOf(event: unknown, logger: TickLogger): number[] | undefined {
  const records = (event as { Records?: unknown } | null | undefined)?.Records;
  if (
    !Array.isArray(records) ||
    records.length === 0 ||
    !records.every((record) => (record as { eventSource?: unknown })?.eventSource === "aws:sqs")
  ) {
    return undefined;
  }
  const shards = new Set<number>();
  for (const record of records as { body?: unknown; messageId?: unknown }[]) {
    const decoded = decodeShardMessage(typeof record.body === "string" ? record.body : "");
    if (decoded.ok) shards.add(decoded.shard);
    else {
      logger.error("dropped a shard-queue message that is not a shard work item", {
        messageId: record.messageId,
        problem: decoded.problem,
      });
    }
  }
  return [...shards];
}

/** Builds the tick handler from the Lambda's environment variables (see environment.ts). */
export function tickHandlerFromEnvironment(env: NodeJS.ProcessEnv = process.env): TickHandler {
  const powertools = createPowertoolsLogger("tick", env);
  const logger = powertoolsAdapter(powertools);
  return createTickHandler({
    store: storeFromEnvironment(env),
    dispatcher: createRoutingDispatcher({
      standard: createSnsDispatcher({ topicArn: requireEnv(ENV.invocationsTopicArn, env) }),
      precise: createSqsDispatcher({ queueUrl: requireEnv(ENV.invocationsQueueUrl, env) }),
    }),
    reporter: createSnsErrorPublisher({ topicArn: requireEnv(ENV.errorsTopicArn, env), logger }),
    clock: systemClock,
    logger,
    shardQueue: createShardQueue({ queueUrl: requireEnv(ENV.tickShardsQueueUrl, env) }),
    tick: { runRetentionMs: intEnv(ENV.runRetentionDays, 30, env) * 86_400_000 },
    metrics: metricsFromEnvironment(env),
    powertoolsLogger: powertools,
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
