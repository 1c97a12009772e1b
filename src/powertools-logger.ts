/**
 * The Lambda handlers' log: `@aws-lambda-powertools/logger` behind the library's own
 * {@link Logger} interface, so that the cores, the middleware and the jobs' `ctx.logger` write
 * through Powertools without knowing it. Powertools takes its level from `AWS_LAMBDA_LOG_LEVEL`
 * (Lambda's advanced logging controls) or `POWERTOOLS_LOG_LEVEL`, and its `injectLambdaContext`
 * middleware adds the invocation's context (request id, function, cold start) to every line.
 */
import { Logger as PowertoolsLogger } from "@aws-lambda-powertools/logger";
import type { Logger } from "./logger.js";

/** The `service` key when `POWERTOOLS_SERVICE_NAME` is unset. */
export const DEFAULT_LOG_SERVICE = "lambda-scheduler";

/**
 * A Powertools logger for one handler, with `handler` (`tick` or `invoke`) on every line.
 *
 * @example
 * ```ts
 * const powertools = createPowertoolsLogger("invoke");
 * const handler = middy(run).use(injectLambdaContext(powertools));
 * ```
 */
export function createPowertoolsLogger(
  handler: string,
  env: NodeJS.ProcessEnv = process.env,
): PowertoolsLogger {
  return new PowertoolsLogger({
    serviceName: env.POWERTOOLS_SERVICE_NAME || DEFAULT_LOG_SERVICE,
    persistentKeys: { handler },
  });
}

/**
 * The library's {@link Logger} over a Powertools logger. A `child` keeps its fields itself and
 * passes them with every line, rather than creating a Powertools child or appending keys: the
 * invoke core runs a batch's records concurrently, and keys appended to the one shared logger
 * would leak from one run's lines into another's. Each run's lines thus carry its `runId`,
 * `scheduleId` and `job` (the core's per-delivery child), and so do its job's `ctx.logger` lines.
 *
 * @example
 * ```ts
 * const logger = powertoolsAdapter(createPowertoolsLogger("invoke"));
 * logger.child({ runId }).info("done", { snapshots: 3 });
 * // {"level":"INFO","message":"done","service":"lambda-scheduler","handler":"invoke","runId":"…","snapshots":3,…}
 * ```
 */
export function powertoolsAdapter(
  powertools: PowertoolsLogger,
  fields: Record<string, unknown> = {},
): Logger {
  const extra = (more: Record<string, unknown> | undefined): Record<string, unknown> =>
    more === undefined ? fields : { ...fields, ...more };
  return {
    debug: (message, more) => powertools.debug(message, extra(more)),
    info: (message, more) => powertools.info(message, extra(more)),
    warn: (message, more) => powertools.warn(message, extra(more)),
    error: (message, more) => powertools.error(message, extra(more)),
    child: (more) => powertoolsAdapter(powertools, { ...fields, ...more }),
  };
}
