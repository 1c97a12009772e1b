// Runs one Lambda bundle's handler once, the way the Lambda Node.js runtime does: imports the
// bundle, calls `handler(event, context)` with a context whose remaining time counts down, and
// writes the resolved value as JSON to RESULT_FILE. The event is read from standard input.
// The environment is the function's, set by the caller.
//
// Usage: node run-handler.mjs BUNDLE RESULT_FILE < event.json
import { randomUUID } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [bundle, resultFile] = process.argv.slice(2);
if (bundle === undefined || resultFile === undefined) {
  throw new Error("usage: node run-handler.mjs BUNDLE RESULT_FILE < event.json");
}

let input = "";
for await (const chunk of process.stdin) input += chunk;
const event = JSON.parse(input);

const timeoutMs = Number(process.env.AWS_LAMBDA_FUNCTION_TIMEOUT ?? 60) * 1000;
const deadline = Date.now() + timeoutMs;
const functionName = process.env.AWS_LAMBDA_FUNCTION_NAME ?? "handler";
const context = {
  functionName,
  functionVersion: "$LATEST",
  invokedFunctionArn: `arn:aws:lambda:${process.env.AWS_REGION}:123456789012:function:${functionName}`,
  memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? "128",
  awsRequestId: randomUUID(),
  logGroupName: `/aws/lambda/${functionName}`,
  logStreamName: "local",
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  done() {},
  fail() {},
  succeed() {},
};

const { handler } = await import(pathToFileURL(resolve(bundle)).href);
if (typeof handler !== "function") throw new Error(`${bundle} exports no handler function`);
const result = await handler(event, context);
await writeFile(resultFile, JSON.stringify(result ?? null));
