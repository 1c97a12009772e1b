/**
 * The invoke Lambda: reads batches from the invocations queue. A thin Middy composition over
 * the invoke core: it builds the DynamoDB store, the errors-topic publisher and the SQS retry
 * scheduler from the environment once per container, and reports failed records with partial
 * batch failures.
 *
 * Import your jobs module next to this handler (the bundle's entry does), so that their
 * `defineJob` calls have registered before the first batch.
 */
import type { Logger as PowertoolsLogger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import type { Metrics } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import middy, { type MiddyfiedHandler } from "@middy/core";
import sqsPartialBatchFailure from "@middy/sqs-partial-batch-failure";
import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { createSnsErrorPublisher } from "../dispatch/errors-topic.js";
import { createSqsDispatcher } from "../dispatch/sqs.js";
import { createSqsRetryScheduler } from "../dispatch/visibility.js";
import { boolEnv, ENV, intEnv, listEnv, requireEnv, storeFromEnvironment } from "../environment.js";
import { addRunResult, type RunFigures } from "../figures.js";
import { createInvoker, type InvokerOptions } from "../invoke/invoker.js";
import { metricsFromEnvironment, publishRunMetrics } from "../metrics.js";
import { errorCapture } from "../middleware/error-capture.js";
import { inputOutputLogging } from "../middleware/input-output-logging.js";
import { snsErrorRepublish } from "../middleware/sns-error-republish.js";
import { createPowertoolsLogger, powertoolsAdapter } from "../powertools-logger.js";

/** Options of {@link createInvokeHandler}: the core's, plus logging. */
export interface InvokeHandlerOptions extends InvokerOptions {
  /**
   * Log each envelope's payload in the input log. Default false: runs are logged (run id,
   * schedule, job, attempt), payloads are not.
   */
  readonly logPayloads?: boolean;
  /** Envelope fields masked when payloads are logged, e.g. `["payload.password"]`. */
  readonly mask?: readonly string[];
  /** Log each batch and response. Default true. */
  readonly logInputOutput?: boolean;
  /**
   * Where each batch's run figures go as CloudWatch metrics, per job (EMF on standard output;
   * the `logMetrics` middleware publishes what is left at the end of the invocation). Default
   * none.
   */
  readonly metrics?: Metrics;
  /**
   * The Powertools logger whose lines get the Lambda context (`injectLambdaContext`); `logger`
   * defaults to it. Default: one of service `lambda-scheduler` (see powertools-logger.ts).
   */
  readonly powertoolsLogger?: PowertoolsLogger;
}

/** The invoke handler: SQS batch in, partial batch failures out. */
export type InvokeHandler = MiddyfiedHandler<SQSEvent, SQSBatchResponse, Error, Context>;

/**
 * Composes the invoke handler over {@link createInvoker}. Middleware order (outermost first):
 * input/output logging; partial batch failure (turns the core's settled results into
 * `batchItemFailures`); SNS error republish (reports the runs of a batch that failed as a
 * whole); error capture (normalises errors with their run context, before the others see them).
 *
 * @example
 * ```ts
 * const handler = createInvokeHandler({ store, errorPublisher, retryScheduler: createSqsRetryScheduler() });
 * const { batchItemFailures } = await handler(sqsEvent, context);
 * ```
 */
export function createInvokeHandler(options: InvokeHandlerOptions): InvokeHandler {
  const {
    mask = [],
    logInputOutput = true,
    logPayloads = false,
    metrics,
    powertoolsLogger,
    ...invokerOptions
  } = options;
  const powertools = powertoolsLogger ?? createPowertoolsLogger("invoke");
  const logger = invokerOptions.logger ?? powertoolsAdapter(powertools);
  // One batch at a time per container: the figures of the batch in progress.
  let figures: RunFigures = new Map();
  const invoker = createInvoker({
    ...invokerOptions,
    logger,
    ...(metrics === undefined
      ? {}
      : {
          onResult: (result) => {
            addRunResult(figures, result);
            invokerOptions.onResult?.(result);
          },
        }),
  });
  // The settled array becomes the batch response in sqsPartialBatchFailure's `after`.
  const processBatch = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    figures = new Map();
    const settled = await invoker.processSqsEvent(event, context);
    if (metrics !== undefined) publishRunMetrics(metrics, figures, event.Records.length);
    return settled as unknown as SQSBatchResponse;
  };
  const handler = middy<SQSEvent, SQSBatchResponse, Error, Context>(processBatch);
  // First, so that every line of the invocation, the other middleware's included, has it.
  handler.use(injectLambdaContext(powertools));
  if (metrics !== undefined) handler.use(logMetrics(metrics));
  if (logInputOutput) handler.use(inputOutputLogging({ payloads: logPayloads, mask }));
  // The core has logged each failed record already, with its run.
  handler.use(sqsPartialBatchFailure({ logger: () => {} }));
  if (invokerOptions.errorPublisher !== undefined) {
    handler.use(snsErrorRepublish({ publisher: invokerOptions.errorPublisher, logger }));
  }
  handler.use(errorCapture({ logger }));
  return handler;
}

/** Builds the invoke handler from the Lambda's environment variables. */
export function invokeHandlerFromEnvironment(env: NodeJS.ProcessEnv = process.env): InvokeHandler {
  const powertools = createPowertoolsLogger("invoke", env);
  const logger = powertoolsAdapter(powertools);
  return createInvokeHandler({
    store: storeFromEnvironment(env),
    errorPublisher: createSnsErrorPublisher({
      topicArn: requireEnv(ENV.errorsTopicArn, env),
      logger,
    }),
    retryScheduler: createSqsRetryScheduler(),
    // A run waiting under overlap buffer-one is sent straight to the queue when the run it
    // waits for ends.
    ...(env[ENV.invocationsQueueUrl]
      ? { dispatcher: createSqsDispatcher({ queueUrl: requireEnv(ENV.invocationsQueueUrl, env) }) }
      : {}),
    retentionDays: intEnv(ENV.runRetentionDays, 30, env),
    ...(env[ENV.maxReceiveCount] ? { maxReceiveCount: intEnv(ENV.maxReceiveCount, 1, env) } : {}),
    logPayloads: boolEnv(ENV.logPayloads, false, env),
    mask: listEnv(ENV.logMask, env),
    logger,
    powertoolsLogger: powertools,
    metrics: metricsFromEnvironment(env),
  });
}

// Built on the first invocation, not at import: a missing variable then fails the invocation
// with a message that names it, and tests can import this module without AWS configuration.
let configured: InvokeHandler | undefined;

/** The Lambda entry point (`handlers/invoke.handler`). */
export async function handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  configured ??= invokeHandlerFromEnvironment();
  return configured(event, context);
}
