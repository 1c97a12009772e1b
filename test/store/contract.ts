/**
 * The ScheduleStore contract, run against every adapter (memory, SQLite, DynamoDB). Each test
 * gets a fresh, empty store from `makeStore` and releases it afterwards.
 */
import { afterEach, beforeEach, describe } from "vitest";
import type { ScheduleStore } from "../../src/store/types.js";
import { describeClaims } from "./contract-claims.js";
import { describeLeases } from "./contract-leases.js";
import { describeQueryRuns } from "./contract-query-runs.js";
import { describeRuns } from "./contract-runs.js";
import { describeSchedules } from "./contract-schedules.js";

/** A store under test, and how to release it. */
export interface StoreFixture {
  readonly store: ScheduleStore;
  cleanup(): Promise<void>;
}

/** Gives the tests of one group the current test's store. */
export interface Subject {
  readonly store: ScheduleStore;
}

/** Registers the whole store contract for one adapter. */
export function describeStoreContract(name: string, makeStore: () => Promise<StoreFixture>): void {
  describe(`the ${name} store`, () => {
    let fixture: StoreFixture | undefined;
    const subject: Subject = {
      get store() {
        if (fixture === undefined) throw new Error("no store: used outside a test");
        return fixture.store;
      },
    };
    beforeEach(async () => {
      fixture = await makeStore();
    });
    afterEach(async () => {
      await fixture?.cleanup();
      fixture = undefined;
    });

    describeSchedules(subject);
    describeClaims(subject);
    describeRuns(subject);
    describeQueryRuns(subject);
    describeLeases(subject);
  });
}
