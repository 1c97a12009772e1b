/**
 * Option checking shared by the middleware factories: unknown options are refused, as middy's
 * own packages do, so a misspelt option fails at cold start instead of being ignored.
 */
import { ConfigurationError } from "../errors.js";

/**
 * Throws {@link ConfigurationError} when `options` is not an object or has a key outside
 * `known`; returns it typed otherwise.
 */
export function checkOptionKeys<T extends object>(
  middleware: string,
  options: T | undefined,
  known: readonly (keyof T & string)[],
): Partial<T> {
  if (options === undefined) return {};
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new ConfigurationError(`${middleware}: options must be an object`);
  }
  for (const key of Object.keys(options)) {
    if (!(known as readonly string[]).includes(key)) {
      throw new ConfigurationError(
        `${middleware}: unknown option "${key}"; the options are ${known.join(", ")}`,
      );
    }
  }
  return options;
}

/** Throws {@link ConfigurationError} saying which option is wrong and what it must be. */
export function optionError(
  middleware: string,
  option: string,
  expected: string,
  got: unknown,
): never {
  const shown = typeof got === "function" ? "a function" : (JSON.stringify(got) ?? String(got));
  throw new ConfigurationError(
    `${middleware}: option "${option}" must be ${expected}, got ${shown}`,
  );
}
