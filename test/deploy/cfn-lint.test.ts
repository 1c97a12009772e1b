/**
 * template.yaml passes cfn-lint (AWS's CloudFormation linter, which also validates the SAM
 * transform) with no error and no warning.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

const INSTALL_HINT =
  "cfn-lint is needed to check template.yaml: install it with `pip install cfn-lint` " +
  "(version 1), so that `cfn-lint --version` works.";

describe("template.yaml", () => {
  it("passes cfn-lint with no error or warning", () => {
    const lint = spawnSync("cfn-lint", ["--format", "parseable", "--", "template.yaml"], {
      encoding: "utf8",
    });
    if (lint.error !== undefined) throw new Error(`${lint.error.message}\n${INSTALL_HINT}`);

    expect(lint.stdout + lint.stderr).toBe("");
    expect(lint.status).toBe(0);
  });
});
