/**
 * The payload of the `ec2-snapshot` job. It is a Standard Schema (zod 4), so a schedule whose
 * payload does not fit is refused when it is created, with the offending field named.
 */
import * as z from "zod";

/** Tag keys we may write: EC2 reserves the `aws:` prefix, and caps keys at 128 characters. */
const tagKey = z
  .string()
  .min(1)
  .max(128)
  .refine((key) => !key.toLowerCase().startsWith("aws:"), {
    message: 'tag keys starting with "aws:" are reserved by AWS',
  });

/** EC2 caps tag values at 256 characters. */
const tagValue = z.string().max(256);

/**
 * Which volumes to snapshot and how long to keep the snapshots.
 *
 * Exactly one of `volumeIds` and `tag` chooses the volumes: a fixed list, or every volume that
 * carries the tag at run time (so new volumes are picked up without editing the schedule).
 */
export const ec2SnapshotPayload = z
  .strictObject({
    /** Volumes to snapshot, e.g. `["vol-0123456789abcdef0"]`. */
    volumeIds: z
      .array(
        z.string().regex(/^vol-[0-9a-f]{8,17}$/, "must be a volume id like vol-0123456789abcdef0"),
      )
      .min(1)
      .max(200)
      .refine((ids) => new Set(ids).size === ids.length, { message: "must not repeat a volume id" })
      .optional(),
    /** Snapshot every volume tagged `key` = `value`. */
    tag: z.strictObject({ key: tagKey, value: tagValue }).optional(),
    /** Snapshots this job made for this schedule are deleted once older than this. */
    retentionDays: z.number().int().min(1).max(3650),
    /** Report what would be created and deleted, and change nothing. */
    dryRun: z.boolean().optional(),
    /** Extra tags for the snapshots (EC2 allows 50 per resource; the job writes 3 itself). */
    tags: z
      .record(tagKey, tagValue)
      .refine((tags) => Object.keys(tags).length <= 40, { message: "at most 40 extra tags" })
      .optional(),
  })
  .refine((payload) => (payload.volumeIds === undefined) !== (payload.tag === undefined), {
    message: "give exactly one of volumeIds (a list of volume ids) or tag ({ key, value })",
    path: ["volumeIds"],
  });

/** A validated `ec2-snapshot` payload. */
export type Ec2SnapshotPayload = z.output<typeof ec2SnapshotPayload>;
