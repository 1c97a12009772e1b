/**
 * Clients of the local AWS emulator started by test/setup/global.ts. Every test names its own
 * resources with {@link uniqueName}, so test files can run in parallel on one emulator.
 */
import { randomUUID } from "node:crypto";
import { inject } from "vitest";

/** The emulator's endpoint, e.g. `http://127.0.0.1:41234`. */
export function awsEndpoint(): string {
  return inject("awsEndpoint");
}

/** Configuration for any AWS SDK v3 client, pointed at the emulator. */
export function awsClientConfig(): {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
} {
  return {
    endpoint: awsEndpoint(),
    region: "us-east-1",
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
  };
}

/** The environment a child process (CLI, Lambda bundle) needs to reach the emulator. */
export function awsEnvironment(): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: awsEndpoint(),
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "testing",
    AWS_SECRET_ACCESS_KEY: "testing",
  };
}

/** A resource name no other test uses, e.g. `schedules-3f9c1a2b`. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}
