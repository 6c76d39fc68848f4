import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeHttpServer, readRequestBody } from './fake-http-server';
import { waitUntil } from './virtual-time';

/** The smallest fake: records each body, answers JSON. */
class EchoFake extends FakeHttpServer<string> {
  readonly bodies: string[] = [];
  protected async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readRequestBody(request);
    this.bodies.push(body);
    const reply = this.nextReply(body, () => ({ status: 200, body: { echo: body } }));
    await this.deliver(response, reply, (status, json, headers) => {
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(JSON.stringify(json));
    });
  }
  protected serverError(response: ServerResponse): void {
    response.writeHead(500).end();
  }
}

describe('FakeHttpServer: the plumbing of every local model fake', () => {
  let fake: EchoFake;
  let url: string;
  beforeEach(async () => {
    fake = new EchoFake();
    url = `http://127.0.0.1:${await fake.listen()}`;
  });
  afterEach(async () => {
    await fake.close();
  });
  const post = async (body: string) => {
    const response = await fetch(url, { method: 'POST', body });
    return {
      status: response.status,
      body: await response.json(),
      retry: response.headers.get('retry-after'),
    };
  };

  it('answers queued replies in order, then the handler, then the fallback', async () => {
    fake.reply(
      { status: 429, body: { n: 1 }, headers: { 'retry-after': '2' } },
      { status: 200, body: { n: 2 } },
    );
    fake.handle((body) => (body === 'handled' ? { status: 201, body: { n: 3 } } : undefined));
    expect(await post('a')).toEqual({ status: 429, body: { n: 1 }, retry: '2' });
    expect(await post('b')).toEqual({ status: 200, body: { n: 2 }, retry: null });
    expect(await post('handled')).toEqual({ status: 201, body: { n: 3 }, retry: null });
    expect(await post('other')).toEqual({ status: 200, body: { echo: 'other' }, retry: null });
    expect(fake.bodies).toEqual(['a', 'b', 'handled', 'other']);
  });

  it('holds a reply until release, counting it in flight', async () => {
    let release = () => {};
    fake.reply({ status: 200, body: {}, release: new Promise<void>((resolve) => (release = resolve)) });
    const pending = post('held');
    await waitUntil(() => fake.inFlight === 1);
    expect(fake.maxInFlight).toBe(1);
    release();
    expect((await pending).status).toBe(200);
    expect(fake.inFlight).toBe(0);
  });

  it('a hang never answers; the client giving up counts as abandoned', async () => {
    fake.reply({ hang: true });
    const controller = new AbortController();
    const pending = fetch(url, { method: 'POST', body: 'x', signal: controller.signal }).catch(
      (error: unknown) => error,
    );
    await waitUntil(() => fake.inFlight === 1);
    controller.abort();
    await pending;
    await waitUntil(() => fake.abandoned === 1 && fake.inFlight === 0);
  });
});
