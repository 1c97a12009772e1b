/**
 * CloudWatch metrics of the Lambda handlers, written as embedded metric format (EMF) documents
 * on standard output by `@aws-lambda-powertools/metrics`: CloudWatch Logs turns them into
 * metrics, so publishing costs no API call and no IAM permission. The names are listed in
 * docs/deploy.md#metrics.
 */
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { ENV } from "./environment.js";
import type { JobRunFigures, RunFigures, TickFigures } from "./figures.js";

/** The namespace when `POWERTOOLS_METRICS_NAMESPACE` is unset. */
export const DEFAULT_METRICS_NAMESPACE = "LambdaScheduler";
/** The `service` dimension when `POWERTOOLS_SERVICE_NAME` is unset. */
export const DEFAULT_SERVICE_NAME = "lambda-scheduler";

/** The metric names. */
export const METRIC = {
  due: "Due",
  claimed: "Claimed",
  dispatched: "Dispatched",
  backlog: "Backlog",
  lost: "Lost",
  tickFailed: "TickFailed",
  tickDuration: "TickDuration",
  oldestDueLateness: "OldestDueLateness",
  deliveries: "Deliveries",
  runsStarted: "RunsStarted",
  runsSucceeded: "RunsSucceeded",
  runsFailed: "RunsFailed",
  runsRetried: "RunsRetried",
  runLateness: "RunLateness",
  runDuration: "RunDuration",
} as const;

/**
 * The handlers' metrics, namespaced by `POWERTOOLS_METRICS_NAMESPACE` (the template's
 * `MetricsNamespace` parameter) and with a `service` dimension from `POWERTOOLS_SERVICE_NAME`.
 *
 * @example
 * ```ts
 * const metrics = metricsFromEnvironment(); // namespace "LambdaScheduler" unless set
 * ```
 */
export function metricsFromEnvironment(env: NodeJS.ProcessEnv = process.env): Metrics {
  return new Metrics({
    namespace: env[ENV.metricsNamespace] || DEFAULT_METRICS_NAMESPACE,
    serviceName: env.POWERTOOLS_SERVICE_NAME || DEFAULT_SERVICE_NAME,
  });
}

/**
 * Stores one tick's figures in `metrics`; the `logMetrics` middleware publishes them at the end
 * of the invocation.
 */
export function addTickMetrics(metrics: Metrics, figures: TickFigures): void {
  metrics.addMetric(METRIC.due, MetricUnit.Count, figures.due);
  metrics.addMetric(METRIC.claimed, MetricUnit.Count, figures.claimed);
  metrics.addMetric(METRIC.dispatched, MetricUnit.Count, figures.dispatched);
  metrics.addMetric(METRIC.backlog, MetricUnit.Count, figures.backlog);
  metrics.addMetric(METRIC.lost, MetricUnit.Count, figures.lost);
  metrics.addMetric(METRIC.tickFailed, MetricUnit.Count, figures.failed);
  metrics.addMetric(METRIC.tickDuration, MetricUnit.Milliseconds, figures.durationMs);
  if (figures.oldestDueLatenessMs !== undefined) {
    metrics.addMetric(
      METRIC.oldestDueLateness,
      MetricUnit.Milliseconds,
      figures.oldestDueLatenessMs,
    );
  }
}

/**
 * Publishes the run figures of a batch at once, one EMF document per job with a `job`
 * dimension (a document's dimensions hold for all its metrics), then stores the batch's
 * delivery count, which `logMetrics` publishes without the job dimension.
 */
export function publishRunMetrics(metrics: Metrics, figures: RunFigures, deliveries: number): void {
  for (const [job, run] of figures) {
    metrics.addDimension("job", job);
    addJobMetrics(metrics, run);
    metrics.publishStoredMetrics();
  }
  metrics.addMetric(METRIC.deliveries, MetricUnit.Count, deliveries);
}

function addJobMetrics(metrics: Metrics, run: JobRunFigures): void {
  metrics.addMetric(METRIC.runsStarted, MetricUnit.Count, run.started);
  metrics.addMetric(METRIC.runsSucceeded, MetricUnit.Count, run.succeeded);
  metrics.addMetric(METRIC.runsFailed, MetricUnit.Count, run.failed);
  metrics.addMetric(METRIC.runsRetried, MetricUnit.Count, run.retried);
  // One value per run: EMF carries them as an array, CloudWatch keeps each for percentiles.
  for (const ms of run.latenessMs)
    metrics.addMetric(METRIC.runLateness, MetricUnit.Milliseconds, ms);
  for (const ms of run.durationMs)
    metrics.addMetric(METRIC.runDuration, MetricUnit.Milliseconds, ms);
}
