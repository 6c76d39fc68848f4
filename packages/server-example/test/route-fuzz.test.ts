import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorResponseSchema } from '../src/server/api-schemas';
import { apiClient } from './helpers/api-client';
import { startTestServer, type TestServer } from './helpers/test-server';

// biome-ignore lint/suspicious/noExplicitAny: JSON schemas of the OpenAPI document are untyped.
type JsonSchema = any;

/** Text no route may accept, and text that is merely unusual. */
const HOSTILE_STRINGS = [
  '\u0000',
  'adm\u0000in',
  '\ud800',
  '\udfff'.repeat(10),
  'a\ud800b',
  'x'.repeat(1 << 20),
  '__proto__',
  "' OR '1'='1",
  '../../etc/passwd',
  'ＡＬＩＣＥ',
];
const hostileString = fc.oneof(
  fc.constantFrom(...HOSTILE_STRINGS),
  // Any UTF-16 code units, lone surrogates included.
  fc.string({
    unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
    maxLength: 40,
  }),
);
const deeplyNested = fc.integer({ min: 17, max: 3_000 }).map((depth) => {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { nested: value };
  return value;
});
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.constantFrom(null, true, false, 0, -1, 1e308, -0, [], {}),
  fc.double(),
  fc.integer(),
  deeplyNested,
  fc.dictionary(hostileString, fc.oneof(hostileString, fc.integer())),
  fc.array(hostileString, { maxLength: 3 }),
);

/** Values from a route's JSON schema (valid ones mostly), mixed with hostile ones. */
function fromSchema(schema: JsonSchema): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 3, arbitrary: validFromSchema(schema) }, { weight: 2, arbitrary: hostileValue });
}

function validFromSchema(schema: JsonSchema): fc.Arbitrary<unknown> {
  if (schema.enum) return fc.constantFrom(...schema.enum);
  switch (schema.type) {
    case 'string': {
      const base = schema.pattern
        ? fc.stringMatching(new RegExp(schema.pattern))
        : fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 64, 300) });
      return base;
    }
    case 'integer':
      return fc.integer({ min: (schema.minimum ?? -1e6) - 2, max: (schema.maximum ?? 1e6) + 2 });
    case 'number':
      return fc.oneof(
        fc.double({ min: (schema.minimum ?? -1e6) - 1, max: (schema.maximum ?? 1e6) + 1, noNaN: true }),
        fc.constantFrom(schema.minimum ?? 0, schema.maximum ?? 0),
      );
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(fromSchema(schema.items ?? {}), { maxLength: 3 });
    case 'object': {
      const properties = Object.fromEntries(
        Object.entries(schema.properties ?? {}).map(([key, value]) => [key, fromSchema(value)]),
      );
      const known = fc.record(properties, { requiredKeys: [] });
      return fc.oneof(
        { weight: 4, arbitrary: known },
        {
          weight: 1,
          arbitrary: fc
            .tuple(known, hostileString, hostileValue)
            .map(([object, key, value]) => ({ ...object, [key]: value })),
        },
      );
    }
    default:
      return hostileValue;
  }
}

/** A URL component: usually the value encoded, sometimes raw percent-escapes that decode to junk. */
function urlComponent(value: fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  return fc.oneof(
    {
      weight: 4,
      arbitrary: value.map((v) => encodeLoosely(typeof v === 'string' ? v : (JSON.stringify(v) ?? ''))),
    },
    { weight: 1, arbitrary: fc.constantFrom('%00', '%ED%A0%80', '%FF', '%E0%A4%A', '%', '%2F..%2F', '') },
  );
}

/** encodeURIComponent, with lone surrogates sent as the bytes of their (invalid) UTF-8 form. */
function encodeLoosely(value: string): string {
  let out = '';
  for (const char of value) {
    const code = char.charCodeAt(0);
    out +=
      code >= 0xd800 && code <= 0xdfff && char.length === 1
        ? `%ED%${(0xa0 + ((code >> 6) & 0x1f)).toString(16)}%${(0x80 + (code & 0x3f)).toString(16)}`
        : encodeURIComponent(char);
  }
  return out;
}

interface Operation {
  method: string;
  path: string;
  pathParams: { name: string; schema: JsonSchema }[];
  queryParams: { name: string; schema: JsonSchema }[];
  body: JsonSchema | undefined;
}

function operationsOf(document: JsonSchema): Operation[] {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths as Record<string, JsonSchema>)) {
    for (const [method, operation] of Object.entries(methods as Record<string, JsonSchema>)) {
      const parameters = (operation.parameters ?? []) as { in: string; name: string; schema: JsonSchema }[];
      operations.push({
        method: method.toUpperCase(),
        path,
        pathParams: parameters.filter((p) => p.in === 'path'),
        queryParams: parameters.filter((p) => p.in === 'query'),
        body: operation.requestBody?.content?.['application/json']?.schema,
      });
    }
  }
  return operations;
}

describe('every route of the OpenAPI document, fuzzed', () => {
  let t: TestServer;
  let api: ReturnType<typeof apiClient>;
  let token: string;
  let userId: string;
  const USERNAME = 'fuzzed';
  const PASSWORD = 'fuzzed-password-1';

  /** The user's data a refused request must not change. */
  const snapshot = async () => ({
    user: await t.store.query(
      'select username, email, password_hash, exchange_credentials, session_version from users where id = ?',
      [userId],
    ),
    config: await t.store.getConfig(userId),
    trades: await t.store.query('select count(*) as n from trades where user_id = ?', [userId]),
  });

  beforeAll(async () => {
    t = await startTestServer();
    api = apiClient(t.baseUrl);
    const registered = await api.register(USERNAME, PASSWORD);
    token = registered.access_token;
    userId = registered.user.id;
    await api.request('PUT', '/trading/config', { token, body: { minConfidence: 66 } });
    await api.request('PUT', '/account/exchange-credentials', {
      token,
      body: { apiKey: 'FuzzKey12345', secret: 'FuzzSecret67890' },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('finds the routes to fuzz', () => {
    const operations = operationsOf(t.server.app.swagger());
    expect(operations.length).toBeGreaterThanOrEqual(17);
  });

  it('never answers 5xx, always in the documented error shape, and a refusal changes nothing', async () => {
    const operations = operationsOf(t.server.app.swagger());
    for (const operation of operations) {
      const request = fc.record({
        pathParams: fc.tuple(...operation.pathParams.map((p) => urlComponent(fromSchema(p.schema)))),
        query: fc.array(
          fc.oneof(
            ...operation.queryParams.map((p) =>
              urlComponent(fromSchema(p.schema)).map((value) => `${p.name}=${value}`),
            ),
            urlComponent(hostileString).map((value) => `${value}=${value}`),
          ),
          { maxLength: 3 },
        ),
        body: operation.body
          ? fc.oneof(
              { weight: 4, arbitrary: fromSchema(operation.body).map((b) => ({ raw: JSON.stringify(b) })) },
              {
                weight: 1,
                arbitrary: fc.constantFrom({ raw: '' }, { raw: '{' }, { raw: '['.repeat(100_000) }),
              },
            )
          : fc.oneof(
              fc.constant(undefined),
              hostileValue.map((b) => ({ raw: JSON.stringify(b) })),
            ),
      });
      await fc.assert(
        fc.asyncProperty(request, async ({ pathParams, query, body }) => {
          let path = operation.path;
          operation.pathParams.forEach((p, i) => {
            path = path.replace(`{${p.name}}`, pathParams[i] ?? '');
          });
          const url = query.length > 0 ? `${path}?${query.join('&')}` : path;
          const before = await snapshot();
          const response = await api.request(operation.method, url, {
            token,
            ...(body && operation.method !== 'GET' ? { rawBody: body.raw } : {}),
          });
          const label = `${operation.method} ${url.slice(0, 120)}`;
          expect(response.status, label).toBeLessThan(500);
          if (response.status >= 400) {
            const shape = errorResponseSchema.strict().safeParse(response.body);
            expect(shape.success, `${label}: ${JSON.stringify(response.body)?.slice(0, 200)}`).toBe(true);
            expect(response.body.statusCode).toBe(response.status);
            expect(await snapshot(), label).toEqual(before);
          }
          // A successful revoke ends this token: log in again for the next runs.
          if (operation.path === '/auth/revoke-sessions' && response.status === 200) {
            token = (await api.login(USERNAME, PASSWORD)).body.access_token;
          }
        }),
        { numRuns: 40 },
      );
    }
  }, 300_000);
});
