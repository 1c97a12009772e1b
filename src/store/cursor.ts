/**
 * Page cursors: JSON positions in URL-safe base64, so a CLI can pass them on a command line.
 * Each adapter decides what a position holds; this module only checks that a cursor is one.
 */
import { StoreError } from "../errors.js";

/** Encodes a position. */
export function encodeCursor(position: unknown): string {
  return Buffer.from(JSON.stringify(position), "utf8").toString("base64url");
}

/** Decodes a cursor made by {@link encodeCursor}; StoreError when it is not a position `is` accepts. */
export function decodeCursor<T>(cursor: string, is: (value: unknown) => value is T): T {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch (error) {
    throw invalidCursor(cursor, error);
  }
  if (!is(value)) throw invalidCursor(cursor);
  return value;
}

function invalidCursor(cursor: string, cause?: unknown): StoreError {
  const shown = cursor.length > 40 ? `${cursor.slice(0, 40)}…` : cursor;
  return new StoreError(
    `cursor "${shown}" is not one this store returned; pass back the cursor of the previous page unchanged`,
    cause === undefined ? undefined : { cause },
  );
}
