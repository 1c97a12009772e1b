// A free TCP port on 127.0.0.1 for the servers the benchmarks start (DynamoDB Local, Redis).
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
