import { createMemoryStore } from "../../src/store/memory.js";
import { describeStoreContract } from "./contract.js";

describeStoreContract("memory", async () => {
  const store = createMemoryStore();
  return { store, cleanup: () => store.close() };
});
