/**
 * The ec2-snapshot example against the emulator's EC2: volumes chosen by id and by tag,
 * snapshot tags, idempotency per run id, retention with an injected clock, dry runs, and the
 * payload schema's refusals.
 */
import {
  CreateSnapshotCommand,
  CreateVolumeCommand,
  DescribeSnapshotsCommand,
  EC2Client,
  type Snapshot,
} from "@aws-sdk/client-ec2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Ec2SnapshotPayload,
  ec2SnapshotJob,
  MANAGED_BY,
  SNAPSHOT_TAG,
  type SnapshotRun,
  snapshotVolumes,
} from "../../examples/ec2-snapshot/index.js";
import { manualClock } from "../../src/clock.js";
import { InvalidPayloadError } from "../../src/errors.js";
import { validatePayload } from "../../src/registry/payload.js";
import { awsClientConfig, uniqueName } from "../support/aws.js";

const DAY_MS = 86_400_000;

let ec2: EC2Client;

beforeAll(() => {
  ec2 = new EC2Client(awsClientConfig());
});

afterAll(() => {
  ec2.destroy();
});

async function createVolume(tags: Record<string, string> = {}): Promise<string> {
  const entries = Object.entries(tags);
  const volume = await ec2.send(
    new CreateVolumeCommand({
      AvailabilityZone: "us-east-1a",
      Size: 1,
      TagSpecifications:
        entries.length > 0
          ? [{ ResourceType: "volume", Tags: entries.map(([Key, Value]) => ({ Key, Value })) }]
          : undefined,
    }),
  );
  if (volume.VolumeId === undefined) throw new Error("CreateVolume returned no volume id");
  return volume.VolumeId;
}

/** Snapshots of `volumeIds`, whoever made them. */
async function snapshotsOf(volumeIds: readonly string[]): Promise<Snapshot[]> {
  const result = await ec2.send(
    new DescribeSnapshotsCommand({
      OwnerIds: ["self"],
      Filters: [{ Name: "volume-id", Values: [...volumeIds] }],
    }),
  );
  return result.Snapshots ?? [];
}

function tagsOf(snapshot: Snapshot): Record<string, string> {
  return Object.fromEntries((snapshot.Tags ?? []).map((tag) => [tag.Key ?? "", tag.Value ?? ""]));
}

/** A run of a fresh schedule, as the invoke handler would describe it. */
function newRun(scheduleId = uniqueName("backup"), at = "2026-03-01T02:00:00.000Z"): SnapshotRun {
  return { scheduleId, runId: `${scheduleId}@${at}` };
}

describe("ec2-snapshot job", () => {
  it("snapshots the volumes given by id, tagged with the run id, schedule and managed-by", async () => {
    const volumes = [await createVolume(), await createVolume()];
    const run = newRun();

    const report = await snapshotVolumes(ec2, { volumeIds: volumes, retentionDays: 7 }, run);

    expect(report.created.map((entry) => entry.volumeId).sort()).toEqual([...volumes].sort());
    const snapshots = await snapshotsOf(volumes);
    expect(snapshots).toHaveLength(2);
    for (const snapshot of snapshots) {
      expect(tagsOf(snapshot)).toMatchObject({
        [SNAPSHOT_TAG.managedBy]: MANAGED_BY,
        [SNAPSHOT_TAG.schedule]: run.scheduleId,
        [SNAPSHOT_TAG.runId]: run.runId,
      });
    }
  });

  it("snapshots every volume carrying the tag, and no other", async () => {
    const tag = { key: "backup", value: uniqueName("nightly") };
    const tagged = [
      await createVolume({ [tag.key]: tag.value }),
      await createVolume({ [tag.key]: tag.value }),
    ];
    const untagged = await createVolume({ [tag.key]: "weekly" });

    const report = await snapshotVolumes(ec2, { tag, retentionDays: 7 }, newRun());

    expect(report.volumes).toBe(2);
    expect((await snapshotsOf(tagged)).map((s) => s.VolumeId).sort()).toEqual([...tagged].sort());
    expect(await snapshotsOf([untagged])).toEqual([]);
  });

  it("copies the payload's extra tags without letting them replace its own", async () => {
    const volume = await createVolume();
    const run = newRun();

    await snapshotVolumes(
      ec2,
      {
        volumeIds: [volume],
        retentionDays: 7,
        tags: { team: "storage", [SNAPSHOT_TAG.runId]: "x" },
      },
      run,
    );

    const [snapshot] = await snapshotsOf([volume]);
    expect(snapshot && tagsOf(snapshot)).toMatchObject({
      team: "storage",
      [SNAPSHOT_TAG.runId]: run.runId,
    });
  });

  it("creates no duplicate when the same run id runs again", async () => {
    const volumes = [await createVolume(), await createVolume()];
    const run = newRun();
    const payload: Ec2SnapshotPayload = { volumeIds: volumes, retentionDays: 7 };

    const first = await snapshotVolumes(ec2, payload, run);
    const retry = await snapshotVolumes(ec2, payload, run);

    expect(first.created).toHaveLength(2);
    expect(retry.created).toEqual([]);
    expect(retry.alreadySnapshotted.map((entry) => entry.snapshotId).sort()).toEqual(
      first.created.map((entry) => entry.snapshotId).sort(),
    );
    expect(await snapshotsOf(volumes)).toHaveLength(2);
  });

  it("deletes this schedule's snapshots older than retentionDays, and nobody else's", async () => {
    const volume = await createVolume();
    const scheduleId = uniqueName("backup");
    const payload: Ec2SnapshotPayload = { volumeIds: [volume], retentionDays: 7 };
    const old = await snapshotVolumes(ec2, payload, newRun(scheduleId, "2026-03-01T02:00:00.000Z"));
    const otherSchedule = await snapshotVolumes(ec2, payload, newRun());
    const manual = await ec2.send(new CreateSnapshotCommand({ VolumeId: volume }));

    // Eight days on, by the job's clock: every snapshot made above is past the 7-day retention.
    const later = manualClock(new Date(Date.now() + 8 * DAY_MS));
    const run = newRun(scheduleId, "2026-03-09T02:00:00.000Z");
    const report = await snapshotVolumes(ec2, payload, run, { clock: later });

    expect(report.deleted).toEqual([old.created[0]?.snapshotId]);
    const left = (await snapshotsOf([volume])).map((snapshot) => snapshot.SnapshotId).sort();
    expect(left).toEqual(
      [
        otherSchedule.created[0]?.snapshotId,
        manual.SnapshotId,
        report.created[0]?.snapshotId,
      ].sort(),
    );
  });

  it("keeps the newest snapshot of a volume that is no longer selected", async () => {
    const [dropped, kept] = [await createVolume(), await createVolume()];
    const scheduleId = uniqueName("backup");
    const both: Ec2SnapshotPayload = { volumeIds: [dropped, kept], retentionDays: 7 };
    await snapshotVolumes(ec2, both, newRun(scheduleId, "2026-03-01T02:00:00.000Z"));
    await snapshotVolumes(ec2, both, newRun(scheduleId, "2026-03-02T02:00:00.000Z"));

    const later = manualClock(new Date(Date.now() + 8 * DAY_MS));
    const run = newRun(scheduleId, "2026-03-10T02:00:00.000Z");
    const report = await snapshotVolumes(ec2, { volumeIds: [kept], retentionDays: 7 }, run, {
      clock: later,
    });

    expect(report.deleted).toHaveLength(3);
    expect(await snapshotsOf([dropped])).toHaveLength(1);
    expect((await snapshotsOf([kept])).map((snapshot) => snapshot.SnapshotId)).toEqual([
      report.created[0]?.snapshotId,
    ]);
  });

  it("keeps snapshots younger than retentionDays", async () => {
    const volume = await createVolume();
    const scheduleId = uniqueName("backup");
    const payload: Ec2SnapshotPayload = { volumeIds: [volume], retentionDays: 7 };
    await snapshotVolumes(ec2, payload, newRun(scheduleId, "2026-03-01T02:00:00.000Z"));

    const sixDaysOn = manualClock(new Date(Date.now() + 6 * DAY_MS));
    const report = await snapshotVolumes(
      ec2,
      payload,
      newRun(scheduleId, "2026-03-07T02:00:00.000Z"),
      {
        clock: sixDaysOn,
      },
    );

    expect(report.deleted).toEqual([]);
    expect(await snapshotsOf([volume])).toHaveLength(2);
  });

  it("reports what it would do on a dry run, and changes nothing", async () => {
    const volume = await createVolume();
    const scheduleId = uniqueName("backup");
    const old = await snapshotVolumes(
      ec2,
      { volumeIds: [volume], retentionDays: 1 },
      newRun(scheduleId, "2026-03-01T02:00:00.000Z"),
    );

    const report = await snapshotVolumes(
      ec2,
      { volumeIds: [volume], retentionDays: 1, dryRun: true },
      newRun(scheduleId, "2026-03-05T02:00:00.000Z"),
      { clock: manualClock(new Date(Date.now() + 2 * DAY_MS)) },
    );

    expect(report).toMatchObject({
      dryRun: true,
      created: [{ volumeId: volume }],
      deleted: [old.created[0]?.snapshotId],
    });
    expect((await snapshotsOf([volume])).map((s) => s.SnapshotId)).toEqual([
      old.created[0]?.snapshotId,
    ]);
  });
});

describe("ec2-snapshot payload", () => {
  it("accepts volume ids, or a tag, with a retention", async () => {
    await expect(
      validatePayload(ec2SnapshotJob, { volumeIds: ["vol-0123456789abcdef0"], retentionDays: 7 }),
    ).resolves.toEqual({ volumeIds: ["vol-0123456789abcdef0"], retentionDays: 7 });
    await expect(
      validatePayload(ec2SnapshotJob, {
        tag: { key: "backup", value: "daily" },
        retentionDays: 3650,
      }),
    ).resolves.toBeDefined();
  });

  it.each([
    [
      "both volumeIds and tag",
      { volumeIds: ["vol-01234567"], tag: { key: "a", value: "b" }, retentionDays: 7 },
      "$.volumeIds",
    ],
    ["neither volumeIds nor tag", { retentionDays: 7 }, "$.volumeIds"],
    ["an empty volumeIds", { volumeIds: [], retentionDays: 7 }, "$.volumeIds"],
    [
      "a malformed volume id",
      { volumeIds: ["i-0123456789abcdef0"], retentionDays: 7 },
      "$.volumeIds[0]",
    ],
    [
      "a repeated volume id",
      { volumeIds: ["vol-01234567", "vol-01234567"], retentionDays: 7 },
      "$.volumeIds",
    ],
    ["a tag without a key", { tag: { value: "b" }, retentionDays: 7 }, "$.tag.key"],
    ["no retentionDays", { volumeIds: ["vol-01234567"] }, "$.retentionDays"],
    ["retentionDays 0", { volumeIds: ["vol-01234567"], retentionDays: 0 }, "$.retentionDays"],
    ["retentionDays 3651", { volumeIds: ["vol-01234567"], retentionDays: 3651 }, "$.retentionDays"],
    [
      "fractional retentionDays",
      { volumeIds: ["vol-01234567"], retentionDays: 1.5 },
      "$.retentionDays",
    ],
    [
      "a non-boolean dryRun",
      { volumeIds: ["vol-01234567"], retentionDays: 7, dryRun: "yes" },
      "$.dryRun",
    ],
    [
      "an aws: tag key",
      { volumeIds: ["vol-01234567"], retentionDays: 7, tags: { "aws:x": "y" } },
      "$.tags",
    ],
  ])("refuses %s, naming the field", async (_case, payload, path) => {
    const refusal = await validatePayload(ec2SnapshotJob, payload).catch((error: unknown) => error);

    expect(refusal).toBeInstanceOf(InvalidPayloadError);
    const paths = (refusal as InvalidPayloadError).issues.map((issue) => issue.path);
    expect(paths.some((found) => found.startsWith(path))).toBe(true);
  });

  it("refuses unknown fields, so that a misspelt option is not silently ignored", async () => {
    const refusal = await validatePayload(ec2SnapshotJob, {
      volumeIds: ["vol-01234567"],
      retentionDays: 7,
      retentionDay: 7,
    }).catch((error: unknown) => error);

    expect(refusal).toBeInstanceOf(InvalidPayloadError);
    expect((refusal as InvalidPayloadError).message).toContain("retentionDay");
  });
});
