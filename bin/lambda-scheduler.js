#!/usr/bin/env node
// The `lambda-scheduler` command: runs the built CLI (npm run build writes dist/lib).
import { runCli } from "../dist/lib/cli/main.js";

process.exitCode = await runCli(process.argv);
