// What the servers the benchmarks start (DynamoDB Local, Redis) share: a free TCP port on
// 127.0.0.1, and a way to stop the server that never lets it outlive the bench.
import { once } from "node:events";
import { createServer } from "node:net";

/** @returns {Promise<number>} */
export async function freePort() {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

/**
 * Returns `stop()` for a server child process: SIGTERM, then SIGKILL after 5 s. If the bench
 * process ends without stopping it (an uncaught error), the child is killed with it.
 * @param {import("node:child_process").ChildProcess} child
 * @returns {() => Promise<void>}
 */
export function stopperOf(child) {
  const exited = once(child, "exit");
  const orphan = () => child.kill("SIGKILL");
  process.once("exit", orphan);
  return async () => {
    process.removeListener("exit", orphan);
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  };
}
