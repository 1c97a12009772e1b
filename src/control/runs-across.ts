/**
 * `listRunsAcross`: the runs an operator acts on (failed, retrying, missed, cancelled…) of every
 * schedule, newest first, from the store's runs index.
 */
import type { Page, RunRecord, RunStatus, ScheduleStore } from "../store/types.js";

/** Filters of {@link listRunsAcross}. */
export interface RunsAcrossOptions {
  /** One status on the runs index (`RUN_INDEXED`); default all of them. */
  readonly status?: RunStatus;
  readonly job?: string;
  /** Only runs scheduled at or after this instant. */
  readonly since?: Date | number;
  /** Page size, default 20. */
  readonly limit?: number;
  /** The previous page's cursor. */
  readonly cursor?: string;
}

/**
 * One page of runs across schedules, newest first, read from the store's sparse runs index
 * (never a scan). Only statuses a person acts on are on that index: asking for RUNNING or
 * SUCCEEDED throws StoreError, which names `history <schedule-id>` as the way to read them.
 *
 * @example
 * const { items, cursor } = await listRunsAcross(store, { status: "FAILED", since: Date.now() - 3_600_000 });
 */
export function listRunsAcross(
  store: ScheduleStore,
  options: RunsAcrossOptions = {},
): Promise<Page<RunRecord>> {
  const { since, ...rest } = options;
  return store.queryRuns({
    ...rest,
    ...(since === undefined ? {} : { since: since instanceof Date ? since.getTime() : since }),
  });
}
