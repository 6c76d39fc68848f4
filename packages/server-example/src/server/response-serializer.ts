import fastJson from 'fast-json-stringify';
import type { FastifySerializerCompiler } from 'fastify/types/schema';
import { serializerCompiler as zodSerializerCompiler } from 'fastify-type-provider-zod';
import { type ZodType, z } from 'zod';

/**
 * Writes each response with a serializer compiled once from the route's zod schema
 * (fast-json-stringify over the schema's JSON Schema). Only the schema's fields are written, so a
 * field outside it (a secret, say) never leaves, and a missing required field fails the response
 * (a 500) as zod's check did. Values are not re-validated on the way out: they come from the
 * store, which checks them on the way in; re-checking every field of a 20-trade page was a fifth
 * of the request's CPU. A schema JSON Schema cannot express (a transform) keeps zod's encoder.
 */
export const responseSerializerCompiler: FastifySerializerCompiler<ZodType> = (route) => {
  let jsonSchema: object;
  try {
    jsonSchema = z.toJSONSchema(route.schema, { io: 'output', target: 'draft-7', unrepresentable: 'throw' });
  } catch {
    return zodSerializerCompiler(route);
  }
  return fastJson(jsonSchema as Parameters<typeof fastJson>[0]);
};
