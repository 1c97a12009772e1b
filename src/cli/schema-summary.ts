/**
 * A job's payload schema as `jobs` shows it. A Standard Schema that can say itself as JSON
 * Schema (the Standard JSON Schema interface, which zod 4 implements) is summarised in a
 * TypeScript-like line, `{ volumeIds: string[], retentionDays?: integer }`; any other is named
 * by its vendor.
 */
import type { StandardJSONSchemaV1, StandardSchemaV1 } from "@standard-schema/spec";

type JsonSchema = Record<string, unknown>;

/** The payload's JSON Schema (draft 2020-12), when the schema library can produce it. */
export function payloadJsonSchema(schema: StandardSchemaV1 | undefined): JsonSchema | undefined {
  if (schema === undefined) return undefined;
  const props = schema["~standard"] as Partial<StandardJSONSchemaV1.Props>;
  if (typeof props.jsonSchema?.input !== "function") return undefined;
  try {
    return props.jsonSchema.input({ target: "draft-2020-12" });
  } catch {
    // The library cannot express this schema in JSON Schema (e.g. a transform): say less.
    return undefined;
  }
}

/** One line describing what a payload must look like. */
export function summarizePayload(schema: StandardSchemaV1 | undefined): string {
  if (schema === undefined) return "any JSON (no schema)";
  const json = payloadJsonSchema(schema);
  if (json === undefined) return `checked by a ${schema["~standard"].vendor} schema`;
  const text = summarize(json, 0);
  return text.length <= 160 ? text : `${text.slice(0, 159)}…`;
}

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function summarize(schema: JsonSchema, depth: number): string {
  if (depth > 3) return "…";
  if ("const" in schema) return JSON.stringify(schema.const);
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v)).join(" | ");
  for (const key of ["anyOf", "oneOf"] as const) {
    const options = schema[key];
    if (Array.isArray(options)) {
      return options
        .filter(isSchema)
        .map((option) => summarize(option, depth + 1))
        .join(" | ");
    }
  }
  if (Array.isArray(schema.type)) {
    return schema.type.map((type) => summarize({ ...schema, type }, depth)).join(" | ");
  }
  switch (schema.type) {
    case "object": {
      const properties = isSchema(schema.properties) ? schema.properties : {};
      const required = new Set(Array.isArray(schema.required) ? schema.required : []);
      const fields = Object.entries(properties)
        .filter((entry): entry is [string, JsonSchema] => isSchema(entry[1]))
        .map(
          ([name, value]) =>
            `${name}${required.has(name) ? "" : "?"}: ${summarize(value, depth + 1)}`,
        );
      return fields.length === 0 ? "object" : `{ ${fields.join(", ")} }`;
    }
    case "array":
      return isSchema(schema.items) ? `${wrap(summarize(schema.items, depth + 1))}[]` : "array";
    case "string":
    case "number":
    case "integer":
    case "boolean":
    case "null":
      return schema.type;
    default:
      return "any";
  }
}

/** Parenthesises a union before `[]`. */
function wrap(text: string): string {
  return text.includes(" | ") ? `(${text})` : text;
}
