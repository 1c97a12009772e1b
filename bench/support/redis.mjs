// Starts a throwaway Redis (redis-server from the system: `apt-get install redis-server`) for the
// BullMQ comparison: on 127.0.0.1, a free port, nothing written to disk. The caller stops it.
import { spawn, spawnSync } from "node:child_process";
import { connect } from "node:net";
import { freePort, stopperOf } from "./ports.mjs";

/** Whether redis-server can be run here. */
export function redisInstalled() {
  const probe = spawnSync("redis-server", ["--version"], { stdio: "ignore" });
  return probe.error === undefined && probe.status === 0;
}

const answers = (port) =>
  new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });

/**
 * Starts redis-server without persistence; resolves once it accepts connections.
 * @returns {Promise<{ host: string, port: number, stop: () => Promise<void> }>}
 */
export async function startRedis() {
  const port = await freePort();
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: "ignore" },
  );
  const stop = stopperOf(child);
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
    if (await answers(port)) return { host: "127.0.0.1", port, stop };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(`redis-server did not answer on port ${port} within 10 s`);
}
