// Timing helpers shared by the benchmark sections: warm up, then time several runs of at
// least `minMs` each and report the median, so that one slow run (GC, a busy neighbour) does
// not decide the result.
import { cpus, loadavg } from "node:os";

/**
 * Times `op` (called with the run's iteration index) and returns the median nanoseconds per
 * call over `runs` runs, with ops/s.
 *
 * @param {(i: number) => unknown} op
 * @param {{ warmupMs?: number, minMs?: number, runs?: number }} [options]
 * @returns {{ nsPerOp: number, opsPerSec: number, samples: number[] }}
 */
export function measure(op, options = {}) {
  const { warmupMs = 150, minMs = 250, runs = 5 } = options;
  let sink = 0;
  const until = performance.now() + warmupMs;
  for (let i = 0; performance.now() < until; i++) sink += op(i) === undefined ? 0 : 1;
  const samples = [];
  for (let run = 0; run < runs; run++) {
    let calls = 0;
    let batch = 1;
    const started = performance.now();
    let elapsed = 0;
    while (elapsed < minMs) {
      for (let i = 0; i < batch; i++) sink += op(calls + i) === undefined ? 0 : 1;
      calls += batch;
      batch = Math.min(batch * 2, 4096);
      elapsed = performance.now() - started;
    }
    samples.push((elapsed * 1e6) / calls);
  }
  if (sink === -1) console.log(sink); // keeps the results observable
  samples.sort((a, b) => a - b);
  const nsPerOp = samples[Math.floor(samples.length / 2)];
  return { nsPerOp, opsPerSec: 1e9 / nsPerOp, samples };
}

/** `1 234 567` style integer, for ops/s. */
export function count(n) {
  return Math.round(n).toLocaleString("en-US");
}

/** Microseconds with three significant figures. */
export function micros(ns) {
  const us = ns / 1000;
  return us >= 100 ? us.toFixed(0) : us >= 10 ? us.toFixed(1) : us.toFixed(2);
}

/** A ratio as `12.3×`. */
export function times(ratio) {
  return ratio >= 100 ? `${ratio.toFixed(0)}×` : `${ratio.toFixed(1)}×`;
}

/**
 * One sentence on how busy the machine was (1-minute load average against its cores), for
 * sections whose timings a busy machine would distort.
 */
export function machineLoad() {
  const [one] = loadavg();
  const cores = cpus().length;
  const busy =
    one > cores / 2
      ? " (busy: other work shared the cores, so rates are lower than on an idle machine)"
      : "";
  return `Load average when the section started: ${one.toFixed(1)} on ${cores} cores${busy}.`;
}
