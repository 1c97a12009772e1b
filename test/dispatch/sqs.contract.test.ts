import { createSqsDispatcher } from "../../src/dispatch/sqs.js";
import { awsClients, createQueue, receiveEnvelopes } from "./aws-queues.js";
import { dispatcherContract } from "./contract.js";

dispatcherContract("SQS (on the AWS emulator)", async () => {
  const { sqs } = awsClients();
  const queue = await createQueue(sqs, "dispatch-sqs");
  let calls = 0;
  const counting = new Proxy(sqs, {
    get(target, property, receiver) {
      if (property === "send") {
        return (...args: Parameters<typeof sqs.send>) => {
          calls += 1;
          return target.send(...args);
        };
      }
      return Reflect.get(target, property, receiver);
    },
  });
  return {
    dispatcher: createSqsDispatcher({ queueUrl: queue.url, client: counting }),
    delays: true,
    receive: (count, waitMs) => receiveEnvelopes(sqs, queue, count, waitMs),
    elapse: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    batchCalls: () => calls,
    close: async () => sqs.destroy(),
  };
});
