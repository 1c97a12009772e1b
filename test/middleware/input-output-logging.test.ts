import middy from "@middy/core";
import { describe, expect, it } from "vitest";
import { inputOutputLogging } from "../../src/middleware/input-output-logging.js";
import { envelope, lambdaContext, snsWrapped, sqsEvent, sqsRecord } from "../support/events.js";
import { request } from "./requests.js";

const secret = envelope({
  payload: {
    user: "ada",
    password: "hunter2",
    accounts: [
      { id: 1, token: "t1" },
      { id: 2, token: "t2" },
    ],
  },
});

function logged(options: Parameters<typeof inputOutputLogging>[0] = {}) {
  const messages: Record<string, unknown>[] = [];
  const middleware = inputOutputLogging({
    lambdaContext: false,
    ...options,
    logger: (m) => void messages.push(m as Record<string, unknown>),
  });
  return { messages, middleware };
}

describe("inputOutputLogging", () => {
  it("names its hooks", () => {
    const { middleware } = logged();
    expect([middleware.before?.name, middleware.after?.name, middleware.onError?.name]).toEqual([
      "inputOutputLoggingBefore",
      "inputOutputLoggingAfter",
      "inputOutputLoggingOnError",
    ]);
  });

  it("logs an SQS batch as its runs by default, never their payloads", () => {
    const { messages, middleware } = logged();
    const record = sqsRecord({ envelope: secret, receiveCount: 2, messageId: "m-1" });
    middleware.before?.(request({ event: sqsEvent(record) }));
    const { payload: _payload, ...run } = secret;
    expect(messages).toEqual([
      { event: { Records: [{ messageId: "m-1", receiveCount: 2, envelope: run }] } },
    ]);
    expect(JSON.stringify(messages)).not.toMatch(/hunter2|ada|"t1"/);
  });

  it("logs a body that is not JSON by its size, never its first characters", () => {
    const { messages, middleware } = logged({ payloads: true });
    const body = "password=hunter2&user=ada and more text than sixty characters, to be sure";
    middleware.before?.(request({ event: sqsEvent(sqsRecord({ body, messageId: "m-9" })) }));
    expect(messages).toEqual([
      {
        event: {
          Records: [
            {
              messageId: "m-9",
              receiveCount: 1,
              invalidBody: `the body (${body.length} bytes) is not JSON`,
            },
          ],
        },
      },
    ]);
  });

  it("logs an SQS batch as decoded envelopes with the chosen payload fields masked when payloads are asked for", () => {
    const { messages, middleware } = logged({
      payloads: true,
      mask: ["payload.password", "payload.accounts.[].token"],
    });
    const record = sqsRecord({ envelope: secret, receiveCount: 2, messageId: "m-1" });
    middleware.before?.(request({ event: sqsEvent(record) }));
    expect(messages).toEqual([
      {
        event: {
          Records: [
            {
              messageId: "m-1",
              receiveCount: 2,
              envelope: {
                ...secret,
                payload: {
                  user: "ada",
                  password: "***",
                  accounts: [
                    { id: 1, token: "***" },
                    { id: 2, token: "***" },
                  ],
                },
              },
            },
          ],
        },
      },
    ]);
    expect(JSON.stringify(messages)).not.toMatch(/hunter2|"t1"|"t2"/);
  });

  it("masks SNS-wrapped bodies the same way", () => {
    const { messages, middleware } = logged({
      payloads: true,
      mask: ["payload.password"],
      maskWith: "[hidden]",
    });
    const record = sqsRecord({ body: snsWrapped(JSON.stringify(secret)), jobAttribute: null });
    middleware.before?.(request({ event: sqsEvent(record) }));
    expect(JSON.stringify(messages)).toContain('"password":"[hidden]"');
    expect(JSON.stringify(messages)).not.toContain("hunter2");
  });

  it("logs the decoding error instead of a body that is not an envelope", () => {
    const { messages, middleware } = logged();
    middleware.before?.(
      request({
        event: sqsEvent(
          sqsRecord({ body: JSON.stringify({ password: "hunter2" }), messageId: "m-2" }),
        ),
      }),
    );
    expect(messages).toEqual([
      {
        event: {
          Records: [
            {
              messageId: "m-2",
              receiveCount: 1,
              invalidBody: 'envelope field "password" is not part of envelope version 1',
            },
          ],
        },
      },
    ]);
  });

  it("masks an event that is itself an envelope", () => {
    const { messages, middleware } = logged({ payloads: true, mask: ["payload.password"] });
    middleware.before?.(request({ event: secret }));
    expect(JSON.stringify(messages)).not.toContain("hunter2");
    expect(JSON.stringify(messages)).toContain("ada");
  });

  it("leaves the payload out of an event that is itself an envelope by default", () => {
    const { messages, middleware } = logged();
    middleware.before?.(request({ event: secret }));
    expect(JSON.stringify(messages)).not.toMatch(/hunter2|ada/);
    expect(JSON.stringify(messages)).toContain(secret.runId);
  });

  it("logs the response after the handler and when an error handler set one", () => {
    const { messages, middleware } = logged();
    middleware.after?.(request({ response: { batchItemFailures: [] } }));
    middleware.onError?.(request({ response: undefined, error: new Error("x") }));
    middleware.onError?.(request({ response: { batchItemFailures: [{ itemIdentifier: "m-3" }] } }));
    expect(messages).toEqual([
      { response: { batchItemFailures: [] } },
      { response: { batchItemFailures: [{ itemIdentifier: "m-3" }] } },
    ]);
  });

  it("adds the Lambda request id by default", async () => {
    const messages: Record<string, unknown>[] = [];
    const handler = middy(async () => ({ ok: true })).use(
      inputOutputLogging({ logger: (m) => void messages.push(m as Record<string, unknown>) }),
    );
    const context = lambdaContext();
    await handler(sqsEvent(sqsRecord()), context);
    expect(messages[1]).toMatchObject({
      response: { ok: true },
      context: { awsRequestId: context.awsRequestId },
    });
  });

  it.each([
    [
      { mask: "payload.password" },
      'inputOutputLogging: option "mask" must be an array of dot paths like "payload.password", got "payload.password"',
    ],
    [{ mask: [""] }, 'option "mask" must be an array of dot paths'],
    [{ maskWith: 0 }, 'option "maskWith" must be a string, got 0'],
    [{ payloads: "yes" }, 'option "payloads" must be true or false, got "yes"'],
    [{ logger: "stdout" }, 'option "logger" must be a function, got "stdout"'],
    [{ omitPaths: [] }, 'inputOutputLogging: unknown option "omitPaths"'],
  ])("refuses the options %j", (options, message) => {
    expect(() => inputOutputLogging(options as never)).toThrow(message);
  });
});
