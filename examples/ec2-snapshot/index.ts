/**
 * The `ec2-snapshot` job: snapshots EBS volumes chosen by id or by tag, and deletes the
 * snapshots it made for the same schedule once they are older than `retentionDays`.
 *
 * Schedule it, for example, nightly at 02:00 Berlin time, keeping a week:
 *
 * ```sh
 * lambda-scheduler add ec2-snapshot --id nightly-backup --schedule "0 2 * * *" \
 *   --tz Europe/Berlin --payload '{"tag":{"key":"backup","value":"nightly"},"retentionDays":7}'
 * ```
 *
 * The invoke function needs EC2 permissions the stack does not grant: iam-policy.json beside
 * this file lists them (describe volumes and snapshots, which EC2 allows only on `*`; create
 * snapshots, tagging them only as they are created; delete only snapshots tagged as this job's).
 * Create it as a managed policy and pass its ARN in the stack's InvokeJobPolicyArns parameter.
 */
import { EC2Client } from "@aws-sdk/client-ec2";
import { defineJob } from "lambda-scheduler";
import { ec2SnapshotPayload } from "./payload.js";
import { snapshotVolumes } from "./snapshot.js";

export type { Ec2SnapshotPayload } from "./payload.js";
export { ec2SnapshotPayload } from "./payload.js";
export type { SnapshotReport, SnapshotRun } from "./snapshot.js";
export { MANAGED_BY, SNAPSHOT_TAG, snapshotVolumes } from "./snapshot.js";

// Created on first use, not on import: importing the jobs module (the CLI lists jobs, the tick
// bundle validates payloads) must not need AWS credentials or a region.
let client: EC2Client | undefined;

/** The registered `ec2-snapshot` job. */
export const ec2SnapshotJob = defineJob({
  name: "ec2-snapshot",
  description: "Snapshot EBS volumes by id or tag, and delete this schedule's expired snapshots",
  payload: ec2SnapshotPayload,
  // CreateSnapshot returns at once (the copy continues in EC2), so even a few hundred volumes
  // fit well within the invoke function's default 300 s.
  timeoutSeconds: 240,
  retry: { attempts: 3, backoffSeconds: 60 },
  // Two runs of one schedule at once would race on the same volumes' retention.
  overlap: "skip",
  handler: (payload, ctx) => {
    client ??= new EC2Client({});
    return snapshotVolumes(client, payload, ctx);
  },
});
