import { createSnsDispatcher } from "../../src/dispatch/sns.js";
import { awsClients, createTopicWithQueue, receiveEnvelopes } from "./aws-queues.js";
import { dispatcherContract } from "./contract.js";

dispatcherContract("SNS (on the AWS emulator, raw delivery to SQS)", async () => {
  const { sns, sqs } = awsClients();
  const { topicArn, queue } = await createTopicWithQueue(sns, sqs, "dispatch-sns");
  let calls = 0;
  const counting = new Proxy(sns, {
    get(target, property, receiver) {
      if (property === "send") {
        return (...args: Parameters<typeof sns.send>) => {
          calls += 1;
          return target.send(...args);
        };
      }
      return Reflect.get(target, property, receiver);
    },
  });
  return {
    dispatcher: createSnsDispatcher({ topicArn, client: counting }),
    delays: false,
    receive: (count, waitMs) => receiveEnvelopes(sqs, queue, count, waitMs),
    elapse: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    batchCalls: () => calls,
    close: async () => {
      sns.destroy();
      sqs.destroy();
    },
  };
});
