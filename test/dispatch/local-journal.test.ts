/**
 * The local queue with a journal on a SQLite file: what is dispatched outlives the dispatcher,
 * and a message that cannot be delivered is set aside instead of stopping the queue.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createLocalDispatcher,
  type LocalConsumer,
  type LocalDelivery,
} from "../../src/dispatch/local.js";
import { openSqliteJournal, type SqliteJournal } from "../../src/local/journal.js";
import { envelope } from "../support/events.js";
import { type ManualTime, manualTime } from "./manual-time.js";

let dir: string;
let path: string;
const journals: SqliteJournal[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "local-journal-"));
  path = join(dir, "schedules.db");
});

afterEach(() => {
  for (const journal of journals.splice(0)) journal.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A dispatcher over a fresh connection to the file, as a new process would open it. */
function reopen(time: ManualTime, consumer: LocalConsumer, visibilityTimeoutSeconds = 30) {
  const journal = openSqliteJournal(path);
  journals.push(journal);
  const dispatcher = createLocalDispatcher({
    consumer,
    clock: time.clock,
    timers: time.timers,
    journal,
    visibilityTimeoutSeconds,
  });
  return { journal, dispatcher };
}

describe("the local queue's journal", () => {
  it("keeps a message the dispatcher closed on, and a new one on the same file delivers it once", async () => {
    const time = manualTime();
    const first = reopen(time, () => {
      throw new Error("never called");
    });
    const sent = envelope();
    await first.dispatcher.dispatch([{ envelope: sent }]);
    await first.dispatcher.close();

    const delivered: LocalDelivery[] = [];
    const second = reopen(time, (delivery) => void delivered.push(delivery));
    expect(second.dispatcher.loadJournal()).toBe(1);
    await time.advance(0);
    expect(delivered.map((d) => [d.envelope, d.receiveCount])).toEqual([[sent, 1]]);
    expect(second.journal.load()).toEqual([]);
    expect(second.dispatcher.loadJournal()).toBe(0);
    await time.advance(60_000);
    expect(delivered).toHaveLength(1);
  });

  it("keeps a failed message's receive count and the backoff its consumer asked for", async () => {
    const time = manualTime();
    const first = reopen(time, (delivery) => {
      delivery.changeVisibility(120);
      throw new Error("try again in two minutes");
    });
    await first.dispatcher.dispatch([{ envelope: envelope() }]);
    await time.advance(0);
    await first.dispatcher.close();

    const counts: number[] = [];
    const second = reopen(time, (delivery) => void counts.push(delivery.receiveCount));
    second.dispatcher.loadJournal();
    await time.advance(119_999);
    expect(counts).toEqual([]);
    await time.advance(1);
    expect(counts).toEqual([2]);
  });

  it("drops a message that another process sharing the journal deleted meanwhile", async () => {
    const time = manualTime();
    const owner = reopen(time, () => {});
    await owner.dispatcher.dispatch([{ envelope: envelope(), delaySeconds: 10 }]);
    const delivered: LocalDelivery[] = [];
    const other = reopen(time, (delivery) => void delivered.push(delivery));
    expect(other.dispatcher.loadJournal()).toBe(1);
    await time.advance(10_000);
    expect(delivered).toHaveLength(0);
    expect(other.dispatcher.size).toBe(0);
  });

  it("dead-letters a journalled message that cannot be decoded, forgets it, and keeps delivering", async () => {
    const time = manualTime();
    const setup = openSqliteJournal(path);
    setup.add([
      { id: "poison", body: '{"v":1,"job":"no such job!"}', availableAt: 0, receiveCount: 0 },
    ]);
    setup.close();
    const delivered: LocalDelivery[] = [];
    const { journal, dispatcher } = reopen(time, (delivery) => void delivered.push(delivery));
    dispatcher.loadJournal();
    const sent = envelope();
    await dispatcher.dispatch([{ envelope: sent }]);
    await time.advance(0);
    expect(dispatcher.deadLetters).toMatchObject([
      { messageId: "poison", receiveCount: 0, lastError: { name: "EnvelopeError" } },
    ]);
    expect(dispatcher.deadLetters[0]?.envelope).toBeUndefined();
    expect(delivered.map((d) => d.envelope)).toEqual([sent]);
    expect(journal.load()).toEqual([]);
  });
});
