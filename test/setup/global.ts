/**
 * Starts the local AWS emulator (moto server) once for the whole test run, on a free port, and
 * hands its endpoint to the tests (`inject("awsEndpoint")`, see test/support/aws.ts).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import type { TestProject } from "vitest/node";

const INSTALL_HINT =
  "The tests need the moto server (the local AWS emulator): install it with " +
  "`pip install 'moto[server]'` (moto 5) or `apt-get install python3-moto`, so that " +
  "`python3 -m moto.server --help` works.";

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilUp(url: string, moto: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (moto.exitCode !== null) {
      throw new Error(
        `moto server exited with code ${moto.exitCode}: ${output()}\n${INSTALL_HINT}`,
      );
    }
    try {
      const response = await fetch(`${url}/moto-api/data.json`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`moto server did not answer on ${url} within 30 s: ${output()}`);
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = "";
  const moto = spawn("python3", ["-m", "moto.server", "-H", "127.0.0.1", "-p", String(port)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  moto.stdout?.on("data", (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-2_000);
  });
  moto.stderr?.on("data", (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-2_000);
  });
  const spawnFailed = new Promise<never>((_, reject) => {
    moto.once("error", (error) =>
      reject(new Error(`cannot start python3: ${error.message}\n${INSTALL_HINT}`)),
    );
  });
  await Promise.race([waitUntilUp(url, moto, () => output), spawnFailed]);
  project.provide("awsEndpoint", url);
  return async () => {
    moto.kill("SIGTERM");
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    awsEndpoint: string;
  }
}
