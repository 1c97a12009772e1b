import { createLocalDispatcher, type LocalDelivery } from "../../src/dispatch/local.js";
import { dispatcherContract, type Received } from "./contract.js";
import { manualTime } from "./manual-time.js";

dispatcherContract("local", async () => {
  const time = manualTime();
  const inbox: LocalDelivery[] = [];
  const dispatcher = createLocalDispatcher({
    consumer: (delivery) => {
      inbox.push(delivery);
    },
    clock: time.clock,
    timers: time.timers,
  });
  return {
    dispatcher,
    delays: true,
    async receive(count, waitMs = 0): Promise<Received[]> {
      await time.advance(0);
      if (inbox.length < count && waitMs > 0) await time.advance(waitMs);
      const taken = inbox.splice(0, count);
      // Locally every message carries its job as the attribute would: the envelope's own.
      return taken.map((delivery) => ({
        envelope: delivery.envelope,
        jobAttribute: delivery.envelope.job,
      }));
    },
    elapse: (ms) => time.advance(ms),
    close: () => dispatcher.close(),
  };
});
