// Starts DynamoDB Local (AWS's own emulator, Java) for benchmarks that time DynamoDB: the moto
// server scans its whole table on every Query, so its timings say nothing about DynamoDB.
// DynamoDB Local ships inside the npm package below; only its tarball is fetched (npm pack),
// not the package's own dependency tree, and it is kept under .lambda-scheduler/.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { freePort, stopperOf } from "./ports.mjs";

const PACKAGE = "amplify-dynamodb-simulator@2.9.30";
const HOME = resolve(".lambda-scheduler/dynamodb-local");

function ensureInstalled() {
  const jar = join(HOME, "package/emulator/DynamoDBLocal.jar");
  if (existsSync(jar)) return join(HOME, "package/emulator");
  mkdirSync(HOME, { recursive: true });
  execFileSync("npm", ["pack", PACKAGE, "--pack-destination", HOME, "--silent"], {
    stdio: "ignore",
  });
  const tarball = readdirSync(HOME).find((name) => name.endsWith(".tgz"));
  if (!tarball) throw new Error(`npm pack ${PACKAGE} produced no tarball in ${HOME}`);
  execFileSync("tar", ["xzf", tarball, "package/emulator"], { cwd: HOME });
  return join(HOME, "package/emulator");
}

/**
 * Starts an in-memory DynamoDB Local on a free port.
 * `stop()` sends SIGTERM, then SIGKILL if it has not exited 5 s later, and resolves once it has
 * exited (callers that do not wait still stop it).
 * @returns {Promise<{ endpoint: string, stop: () => Promise<void> }>}
 */
export async function startDynamoDbLocal() {
  const dir = ensureInstalled();
  const port = await freePort();
  const child = spawn(
    "java",
    [
      "-Djava.library.path=./DynamoDBLocal_lib",
      "-jar",
      "DynamoDBLocal.jar",
      "-inMemory",
      "-port",
      String(port),
    ],
    { cwd: dir, stdio: "ignore" },
  );
  const stop = stopperOf(child);
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`DynamoDB Local exited with ${child.exitCode} (is Java 17+ installed?)`);
    try {
      await fetch(endpoint, { method: "POST" });
      return { endpoint, stop };
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  await stop();
  throw new Error(`DynamoDB Local did not answer on ${endpoint} within 30 s`);
}
