import { describe, expect, it } from "vitest";
import { loadEmbedded } from "../../src/cli/embedded-store.js";
import { ConfigurationError } from "../../src/errors.js";

/** What Node throws for `import("node:sqlite")` when it has no such module (Node 20, say). */
function unknownBuiltin(): Error {
  return Object.assign(new Error("No such built-in module: node:sqlite"), {
    code: "ERR_UNKNOWN_BUILTIN_MODULE",
  });
}

describe("loading the embedded store", () => {
  it("says in one line which Node it needs when node:sqlite cannot be loaded", async () => {
    const failing = loadEmbedded(() => Promise.reject(unknownBuiltin()), "v20.20.2");
    await expect(failing).rejects.toBeInstanceOf(ConfigurationError);
    const error = (await failing.catch((caught: unknown) => caught)) as ConfigurationError;
    expect(error.message).not.toContain("\n");
    expect(error.message).toMatch(
      /^the embedded store needs node:sqlite with StatementSync\.setReturnArrays, which Node v20\.20\.2/,
    );
    expect(error.message).toContain("Node 22.16 or later, or Node 24");
    expect(error.message).toContain(
      "`npx lambda-scheduler …` runs on the Node the package brought",
    );
    expect(error.message).toContain("--table NAME");
    expect(error.cause).toMatchObject({ code: "ERR_UNKNOWN_BUILTIN_MODULE" });
  });

  it("says which Node it needs when node:sqlite loads but cannot return rows as arrays (22.13 to 22.15)", async () => {
    const loaded = loadEmbedded(
      () => Promise.resolve("module"),
      "v22.13.0",
      async () => false,
    );
    await expect(loaded).rejects.toThrow(
      /^the embedded store needs node:sqlite with StatementSync\.setReturnArrays, which Node v22\.13\.0 does not have: use Node 22\.16 or later, or Node 24;/,
    );
  });

  it("passes any other failure through unchanged", async () => {
    const other = Object.assign(new Error("Cannot find module './x.js'"), {
      code: "ERR_MODULE_NOT_FOUND",
    });
    await expect(loadEmbedded(() => Promise.reject(other))).rejects.toBe(other);
  });

  it("gives the module when node:sqlite loads", async () => {
    const store = await loadEmbedded(() => import("../../src/store/sqlite/store.js"));
    expect(typeof store.createSqliteStore).toBe("function");
  });
});
