import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_MESSAGES_PER_SECOND } from '../src/realtime/websocket-routes';
import { apiClient, openSocket } from './helpers/api-client';
import { startTestServer, type TestServer } from './helpers/test-server';

describe('3: what one WebSocket connection may cost is bounded', () => {
  let t: TestServer;
  let api: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    t = await startTestServer();
    api = apiClient(t.baseUrl);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('closes a client that floods pings (1008) and forgets it', async () => {
    const { access_token: token, user } = await api.register('flooder');
    const client = await openSocket(t.wsUrl, { token });
    const closed = new Promise<number>((resolve) => client.socket.once('close', (code) => resolve(code)));
    for (let i = 0; i < MAX_MESSAGES_PER_SECOND * 50; i++) client.socket.send('{"type":"ping"}');
    expect(await closed).toBe(1008);
    const pongs = client.messages.filter((m) => m.type === 'pong').length;
    expect(pongs).toBeLessThanOrEqual(MAX_MESSAGES_PER_SECOND);
    await expect.poll(() => t.server.hub.connections(user.id)).toBe(0);
  });

  it('terminates a client that does not read instead of buffering for it', async () => {
    const { access_token: token, user } = await api.register('nonreader');
    const client = await openSocket(t.wsUrl, { token });
    // Stop reading: the kernel buffers fill, then the server's own queue would grow.
    (client.socket as unknown as { _socket: { pause(): void } })._socket.pause();
    const payload = 'x'.repeat(16 * 1024);
    let published = 0;
    while (t.server.hub.connections(user.id) > 0 && published < 10_000) {
      t.server.hub.publish(user.id, { type: 'analysis', at: published, padding: payload });
      published++;
      if (published % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    // Gone long before 10,000 × 16 KiB (160 MiB) could pile up for it.
    expect(t.server.hub.connections(user.id)).toBe(0);
    expect(published).toBeLessThan(10_000);
    client.socket.terminate();
  });

  it('keeps a well-behaved client that pings now and then', async () => {
    const { access_token: token, user } = await api.register('polite');
    const client = await openSocket(t.wsUrl, { token });
    client.socket.send('{"type":"ping"}');
    await client.next((m) => m.type === 'pong');
    expect(t.server.hub.connections(user.id)).toBe(1);
    await client.close();
  });
});
