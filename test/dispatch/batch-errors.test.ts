/**
 * Error paths of the SNS and SQS dispatchers that the AWS emulator cannot produce (a service
 * refusing single entries for its own reasons, a response that forgets an entry, a batch call
 * failing midway): these use a stand-in client that answers like the SDK would.
 */
import type { SNSClient } from "@aws-sdk/client-sns";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { describe, expect, it } from "vitest";
import { createSnsDispatcher } from "../../src/dispatch/sns.js";
import { createSqsDispatcher } from "../../src/dispatch/sqs.js";
import type { Dispatcher } from "../../src/dispatch/types.js";
import { ConfigurationError, DispatchError } from "../../src/errors.js";
import { envelope } from "../support/events.js";

type Answer = (entryIds: string[], call: number) => unknown;

function fakeClient(answer: Answer) {
  let call = 0;
  return {
    send: async (command: {
      input: { PublishBatchRequestEntries?: { Id: string }[]; Entries?: { Id: string }[] };
    }) => {
      call += 1;
      const entries = command.input.PublishBatchRequestEntries ?? command.input.Entries ?? [];
      return answer(
        entries.map((entry) => entry.Id),
        call,
      );
    },
  };
}

const transports: [string, (answer: Answer) => Dispatcher][] = [
  [
    "SNS",
    (answer) =>
      createSnsDispatcher({
        topicArn: "arn:aws:sns:us-east-1:1:t",
        client: fakeClient(answer) as unknown as SNSClient,
      }),
  ],
  [
    "SQS",
    (answer) =>
      createSqsDispatcher({
        queueUrl: "https://sqs.example/1/q",
        client: fakeClient(answer) as unknown as SQSClient,
      }),
  ],
];

const twelve = Array.from({ length: 12 }, (_, i) => ({
  envelope: envelope({ scheduleId: `s${i}` }),
}));

describe.each(transports)("the %s dispatcher's error paths", (transport, make) => {
  it("reports the entries the service refused, with its code and message", async () => {
    const dispatcher = make((ids) => ({
      Successful: ids.filter((id) => id !== "m1").map((Id) => ({ Id })),
      Failed: [{ Id: "m1", Code: "InternalError", Message: "try again", SenderFault: false }],
    }));
    const { failed } = await dispatcher.dispatch(twelve.slice(0, 3));
    expect(failed).toEqual([
      {
        runId: twelve[1]?.envelope.runId,
        error: new DispatchError(
          `${transport} refused run "${twelve[1]?.envelope.runId}": InternalError: try again`,
        ),
      },
    ]);
  });

  it("reports an entry the response does not mention", async () => {
    const dispatcher = make((ids) => ({
      Successful: ids.slice(1).map((Id) => ({ Id })),
      Failed: [],
    }));
    const { failed } = await dispatcher.dispatch(twelve.slice(0, 2));
    expect(failed.map((f) => f.error.message)).toEqual([
      `${transport} refused run "${twelve[0]?.envelope.runId}": the response did not mention it`,
    ]);
  });

  it("reports every entry of a batch call that threw, and keeps the batches that went through", async () => {
    const dispatcher = make((ids, call) => {
      if (call === 2) throw new Error("socket hang up");
      return { Successful: ids.map((Id) => ({ Id })) };
    });
    const { failed } = await dispatcher.dispatch(twelve);
    expect(failed.map((f) => f.runId)).toEqual(twelve.slice(10).map((d) => d.envelope.runId));
    expect(failed[0]?.error.message).toBe(
      `${transport} did not accept run "${twelve[10]?.envelope.runId}": socket hang up`,
    );
    expect(failed[0]?.error.cause).toEqual(new Error("socket hang up"));
  });
});

describe("dispatcher configuration", () => {
  it.each([
    [
      "an SNS dispatcher without a topic ARN",
      () => createSnsDispatcher({ topicArn: "" }),
      "topicArn must be an SNS topic ARN",
    ],
    [
      "an SQS dispatcher without a queue URL",
      () => createSqsDispatcher({ queueUrl: "queue" }),
      "queueUrl must be an SQS queue URL",
    ],
  ])("refuses %s", (_case, create, message) => {
    expect(create).toThrow(ConfigurationError);
    expect(create).toThrow(message);
  });
});
