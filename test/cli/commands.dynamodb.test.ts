import { beforeAll } from "vitest";
import { createInvocations, type Invocations, newTableEnvironment } from "./aws.js";
import { describeCommands } from "./commands.js";

let invocations: Invocations;
beforeAll(async () => {
  invocations = await createInvocations();
});

describeCommands({
  name: "DynamoDB",
  newStore: newTableEnvironment,
  runArgs: () => ["--topic-arn", invocations.topicArn, "--queue-url", invocations.queueUrl],
  runStatus: "DISPATCHED",
  everyCase: false,
});
