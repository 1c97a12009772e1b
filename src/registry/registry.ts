/**
 * The job registry: one per process. `defineJob` adds to it when a job module is imported; the
 * invoke side looks jobs up by the name carried in each message.
 */
import { UnknownJobError } from "../errors.js";
import type { Job, JobLookup } from "./types.js";

/** A registered job and the source position that defined it. */
interface Entry {
  readonly job: Job;
  /** `module:line:column` of the `defineJob` call, when the stack trace told us. */
  readonly site: string | undefined;
}

interface RegistryState {
  readonly entries: Map<string, Entry>;
}

// Keyed on a global symbol rather than a module variable: a bundle or a test runner may load
// this module twice (two copies, two URLs), and jobs defined through one copy must still be
// found through the other.
const STATE_KEY = Symbol.for("lambda-scheduler.registry");

function state(): RegistryState {
  const holder = globalThis as typeof globalThis & { [STATE_KEY]?: RegistryState };
  holder[STATE_KEY] ??= { entries: new Map() };
  return holder[STATE_KEY];
}

/**
 * Adds a job; returns the job already registered under its name instead when there is one, so
 * that the caller can report the clash. Used by `defineJob`; not public.
 *
 * @internal
 */
export function registerJob(job: Job, site: string | undefined): Entry | undefined {
  const entries = state().entries;
  const existing = entries.get(job.name);
  // The same call site evaluated again (a module re-imported under another URL, or reloaded
  // by a watcher) is a redefinition, not a clash: the newer definition replaces the older.
  if (existing !== undefined && (site === undefined || existing.site !== site)) return existing;
  entries.set(job.name, { job, site });
  return undefined;
}

/**
 * The job registered under `name`, or `undefined`.
 *
 * @example
 * ```ts
 * const job = getJob("snapshot");
 * if (job === undefined) console.warn("snapshot is not deployed in this bundle");
 * ```
 */
export function getJob(name: string): Job | undefined {
  return state().entries.get(name)?.job;
}

/**
 * The job registered under `name`; throws {@link UnknownJobError} listing the registered jobs
 * when there is none (its module was not imported into the bundle, or the name is misspelt).
 *
 * @example
 * ```ts
 * const job = requireJob(envelope.job);
 * ```
 */
export function requireJob(name: string): Job {
  const job = getJob(name);
  if (job === undefined)
    throw new UnknownJobError(
      name,
      listJobs().map((known) => known.name),
    );
  return job;
}

/**
 * Every registered job, sorted by name.
 *
 * @example
 * ```ts
 * for (const job of listJobs()) console.log(job.name, job.description ?? "");
 * ```
 */
export function listJobs(): Job[] {
  return [...state().entries.values()]
    .map((entry) => entry.job)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * The process's job registry (the jobs defined by the modules imported so far) as a
 * {@link JobLookup}: the default of the invoker, and what the CLI and local mode pass to the
 * control plane once they have loaded the user's jobs.
 *
 * @example
 * ```ts
 * await createSchedule(input, { store, jobs: registryJobs });
 * ```
 */
export const registryJobs: JobLookup = {
  get: getJob,
  names: () => listJobs().map((job) => job.name),
};

/** Forgets every job. For tests: registrations otherwise live as long as the process. */
export function clearRegistry(): void {
  state().entries.clear();
}
