/**
 * The core of the `ec2-snapshot` job, with the EC2 client and the clock injected so it runs
 * unchanged against AWS, the local emulator, or a test's fixed instant.
 */
import {
  CreateSnapshotCommand,
  DeleteSnapshotCommand,
  type EC2Client,
  type Filter,
  paginateDescribeSnapshots,
  paginateDescribeVolumes,
  type Snapshot,
  type Tag,
} from "@aws-sdk/client-ec2";
import type { Clock, JobContext } from "lambda-scheduler";
import { systemClock } from "lambda-scheduler";
import type { Ec2SnapshotPayload } from "./payload.js";

/** Tags the job writes on every snapshot it creates, and finds its own snapshots by. */
export const SNAPSHOT_TAG = {
  /** Marks snapshots this job owns: retention never touches any other snapshot. */
  managedBy: "lambda-scheduler:managed-by",
  /** The schedule that made it: each schedule applies its retention to its own snapshots only. */
  schedule: "lambda-scheduler:schedule",
  /** The run that made it: the idempotency key, so a retried run creates no duplicate. */
  runId: "lambda-scheduler:run-id",
} as const;

/** Value of the {@link SNAPSHOT_TAG.managedBy} tag. */
export const MANAGED_BY = "ec2-snapshot";

const DAY_MS = 86_400_000;

/** The run a snapshot pass belongs to: the parts of {@link JobContext} the job uses. */
export type SnapshotRun = Pick<JobContext, "runId" | "scheduleId"> &
  Partial<Pick<JobContext, "signal" | "logger">>;

/** What one pass did (or, with `dryRun`, would do). */
export interface SnapshotReport {
  readonly dryRun: boolean;
  /** Volumes chosen by id or by tag. */
  readonly volumes: number;
  /** Snapshots created by this pass (`snapshotId` absent on a dry run). */
  readonly created: readonly { readonly volumeId: string; readonly snapshotId?: string }[];
  /** Volumes that already had a snapshot from this run id: an earlier delivery made it. */
  readonly alreadySnapshotted: readonly {
    readonly volumeId: string;
    readonly snapshotId: string;
  }[];
  /** Expired snapshots deleted (or, on a dry run, that would be). */
  readonly deleted: readonly string[];
  /** Expired snapshots that could not be deleted, e.g. because an AMI uses them. */
  readonly notDeleted: readonly { readonly snapshotId: string; readonly reason: string }[];
}

/**
 * Snapshots the chosen volumes, then deletes this schedule's snapshots older than
 * `retentionDays`.
 *
 * Idempotent per run id: a volume that already has a snapshot tagged with this run id (one
 * that is not in the `error` state) is not snapshotted again, so a redelivered or retried run
 * creates no duplicate (the job's retry backoff outlasts EC2's eventually consistent describe
 * calls). Age is measured from the snapshot's `StartTime` to `clock.now()`. Never deleted,
 * whatever their age: the current run's snapshots, and the newest completed snapshot of each
 * volume this run did not snapshot (so a volume that drops out of the selection keeps its
 * last backup).
 *
 * @example
 * ```ts
 * const report = await snapshotVolumes(new EC2Client({}), { tag: { key: "backup", value: "daily" },
 *   retentionDays: 7 }, { runId: "nightly@2026-01-01T02:00:00.000Z", scheduleId: "nightly" });
 * ```
 */
export async function snapshotVolumes(
  ec2: EC2Client,
  payload: Ec2SnapshotPayload,
  run: SnapshotRun,
  options: { readonly clock?: Clock } = {},
): Promise<SnapshotReport> {
  const clock = options.clock ?? systemClock;
  const dryRun = payload.dryRun ?? false;
  const send = { abortSignal: run.signal };

  const volumeIds = payload.volumeIds ?? (await volumesTagged(ec2, payload, run));
  if (volumeIds.length === 0) run.logger?.warn("no volume matches the tag", { tag: payload.tag });

  const done = await snapshotsOfRun(ec2, run);
  const created: { volumeId: string; snapshotId?: string }[] = [];
  const alreadySnapshotted: { volumeId: string; snapshotId: string }[] = [];
  for (const volumeId of volumeIds) {
    const existing = done.get(volumeId);
    if (existing !== undefined) {
      alreadySnapshotted.push({ volumeId, snapshotId: existing });
      continue;
    }
    if (dryRun) {
      created.push({ volumeId });
      continue;
    }
    run.signal?.throwIfAborted();
    const snapshot = await ec2.send(
      new CreateSnapshotCommand({
        VolumeId: volumeId,
        Description: `lambda-scheduler ${MANAGED_BY}, run ${run.runId}`.slice(0, 255),
        TagSpecifications: [{ ResourceType: "snapshot", Tags: snapshotTags(payload, run) }],
      }),
      send,
    );
    created.push({ volumeId, snapshotId: snapshot.SnapshotId ?? "" });
    run.logger?.info("snapshot created", { volumeId, snapshotId: snapshot.SnapshotId });
  }

  const cutoff = clock.now().getTime() - payload.retentionDays * DAY_MS;
  const deleted: string[] = [];
  const notDeleted: { snapshotId: string; reason: string }[] = [];
  const covered = new Set([...created, ...alreadySnapshotted].map((entry) => entry.volumeId));
  for (const snapshot of await expiredSnapshots(ec2, run, cutoff, covered)) {
    const snapshotId = snapshot.SnapshotId ?? "";
    if (dryRun) {
      deleted.push(snapshotId);
      continue;
    }
    run.signal?.throwIfAborted();
    const kept = await deleteSnapshot(ec2, snapshotId, run);
    if (kept === undefined) deleted.push(snapshotId);
    else notDeleted.push({ snapshotId, reason: kept });
  }

  return { dryRun, volumes: volumeIds.length, created, alreadySnapshotted, deleted, notDeleted };
}

function snapshotTags(payload: Ec2SnapshotPayload, run: SnapshotRun): Tag[] {
  // Ours come last so that a payload cannot overwrite the tags retention relies on.
  const tags: Record<string, string> = {
    ...payload.tags,
    [SNAPSHOT_TAG.managedBy]: MANAGED_BY,
    [SNAPSHOT_TAG.schedule]: run.scheduleId,
    [SNAPSHOT_TAG.runId]: run.runId,
  };
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

async function volumesTagged(
  ec2: EC2Client,
  payload: Ec2SnapshotPayload,
  run: SnapshotRun,
): Promise<string[]> {
  const tag = payload.tag;
  if (tag === undefined) return [];
  const filters: Filter[] = [
    { Name: `tag:${tag.key}`, Values: [tag.value] },
    // A volume being created or deleted cannot be snapshotted.
    { Name: "status", Values: ["available", "in-use"] },
  ];
  const ids: string[] = [];
  const pages = paginateDescribeVolumes({ client: ec2, pageSize: 500 }, { Filters: filters });
  // The paginators take no abort signal: checking between pages bounds the overrun to one call.
  for await (const page of pages) {
    run.signal?.throwIfAborted();
    for (const volume of page.Volumes ?? []) if (volume.VolumeId) ids.push(volume.VolumeId);
  }
  return ids;
}

async function ownSnapshots(
  ec2: EC2Client,
  filters: Filter[],
  run: SnapshotRun,
): Promise<Snapshot[]> {
  const found: Snapshot[] = [];
  const pages = paginateDescribeSnapshots(
    { client: ec2, pageSize: 1000 },
    {
      OwnerIds: ["self"],
      Filters: [{ Name: `tag:${SNAPSHOT_TAG.managedBy}`, Values: [MANAGED_BY] }, ...filters],
    },
  );
  for await (const page of pages) {
    run.signal?.throwIfAborted();
    found.push(...(page.Snapshots ?? []));
  }
  return found;
}

/** Volume id → snapshot id, for the snapshots this run id already made. */
async function snapshotsOfRun(ec2: EC2Client, run: SnapshotRun): Promise<Map<string, string>> {
  const snapshots = await ownSnapshots(
    ec2,
    [{ Name: `tag:${SNAPSHOT_TAG.runId}`, Values: [run.runId] }],
    run,
  );
  const byVolume = new Map<string, string>();
  for (const snapshot of snapshots) {
    // A failed snapshot is no backup: the retry should make a new one.
    if (snapshot.State === "error" || !snapshot.VolumeId || !snapshot.SnapshotId) continue;
    byVolume.set(snapshot.VolumeId, snapshot.SnapshotId);
  }
  return byVolume;
}

/**
 * This schedule's snapshots older than `cutoffMs`, except the current run's, and except the
 * newest of each volume that this run did not snapshot (`covered` lists those it did).
 */
async function expiredSnapshots(
  ec2: EC2Client,
  run: SnapshotRun,
  cutoffMs: number,
  covered: ReadonlySet<string>,
): Promise<Snapshot[]> {
  const snapshots = await ownSnapshots(
    ec2,
    [{ Name: `tag:${SNAPSHOT_TAG.schedule}`, Values: [run.scheduleId] }],
    run,
  );
  // A volume's newest snapshot is kept whatever its age unless this run made a newer one: if
  // the volume stops being selected (a tag removed by mistake) or its snapshots keep failing,
  // its last backup must not expire.
  const newest = new Map<string, Snapshot>();
  for (const snapshot of snapshots) {
    const volumeId = snapshot.VolumeId;
    if (snapshot.State !== "completed" || volumeId === undefined || covered.has(volumeId)) continue;
    const current = newest.get(volumeId);
    if (current === undefined || startOf(snapshot) > startOf(current)) {
      newest.set(volumeId, snapshot);
    }
  }
  const kept = new Set([...newest.values()].map((snapshot) => snapshot.SnapshotId));
  return snapshots.filter((snapshot) => {
    const runId = snapshot.Tags?.find((tag) => tag.Key === SNAPSHOT_TAG.runId)?.Value;
    return (
      startOf(snapshot) < cutoffMs &&
      runId !== run.runId &&
      !kept.has(snapshot.SnapshotId) &&
      // Still being written: leave it to a later run rather than race EC2.
      snapshot.State !== "pending"
    );
  });
}

function startOf(snapshot: Snapshot): number {
  return snapshot.StartTime?.getTime() ?? Number.POSITIVE_INFINITY;
}

/**
 * Deletes a snapshot. Returns why it was kept when retrying would not help; throws otherwise,
 * so that the run is retried.
 */
async function deleteSnapshot(
  ec2: EC2Client,
  snapshotId: string,
  run: SnapshotRun,
): Promise<string | undefined> {
  try {
    await ec2.send(new DeleteSnapshotCommand({ SnapshotId: snapshotId }), {
      abortSignal: run.signal,
    });
    run.logger?.info("expired snapshot deleted", { snapshotId });
    return undefined;
  } catch (error) {
    const name = error instanceof Error ? error.name : "";
    // Gone already: a concurrent or earlier delivery of this run deleted it.
    if (name === "InvalidSnapshot.NotFound") return undefined;
    // Registered as an AMI's root: retrying will not help, and must not fail the backup.
    if (name === "InvalidSnapshot.InUse") {
      const reason = error instanceof Error ? error.message : name;
      run.logger?.warn("expired snapshot is in use, kept", { snapshotId, reason });
      return reason;
    }
    throw error;
  }
}
