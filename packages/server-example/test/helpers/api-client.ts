import WebSocket from 'ws';

// biome-ignore lint/suspicious/noExplicitAny: tests assert on arbitrary JSON responses and messages.
type Json = any;

export interface ApiResponse<T = Json> {
  status: number;
  body: T;
  headers: Headers;
}

/** A small JSON client over real HTTP (Node's fetch). */
export function apiClient(baseUrl: string) {
  const request = async <T = Json>(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse<T>> => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.rawBody !== undefined) {
      body = options.rawBody;
      headers['content-type'] ??= 'application/json';
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON (static files)
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  };

  return {
    request,
    async register(username: string, password = 'correct-horse-battery', email = `${username}@example.com`) {
      const response = await request('POST', '/auth/register', { body: { username, email, password } });
      if (response.status !== 201)
        throw new Error(`register ${username}: ${response.status} ${JSON.stringify(response.body)}`);
      return response.body as { access_token: string; user: { id: string; username: string } };
    },
    async login(username: string, password = 'correct-horse-battery') {
      return request<{ access_token: string; user: { id: string } }>('POST', '/auth/login', {
        body: { username, password },
      });
    },
  };
}

/** Opens a WebSocket and collects its JSON messages; resolves once the server said `connected`. */
export async function openSocket(
  url: string,
  options: { token?: string; protocols?: string[]; origin?: string } = {},
) {
  const target = options.token ? `${url}?token=${encodeURIComponent(options.token)}` : url;
  const socket = new WebSocket(
    target,
    options.protocols ?? [],
    options.origin ? { origin: options.origin } : {},
  );
  const messages: Json[] = [];
  const waiters: { predicate: (m: Json) => boolean; resolve: (m: Json) => void }[] = [];
  socket.on('message', (data) => {
    const message = JSON.parse(String(data));
    messages.push(message);
    for (const waiter of [...waiters]) {
      if (waiter.predicate(message)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(message);
      }
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('unexpected-response', (_request, response) =>
      reject(
        Object.assign(new Error(`handshake refused: ${response.statusCode}`), {
          statusCode: response.statusCode,
        }),
      ),
    );
    socket.once('error', reject);
  });
  const next = (predicate: (m: Json) => boolean, timeoutMs = 5000) => {
    const found = messages.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise<Json>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no such message on the socket')), timeoutMs);
      waiters.push({
        predicate,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  };
  await next((m) => m.type === 'connected');
  return {
    socket,
    messages,
    next,
    close: () =>
      new Promise<void>((resolve) => {
        if (socket.readyState === WebSocket.CLOSED) return resolve();
        socket.once('close', () => resolve());
        socket.close();
      }),
  };
}

/** The HTTP status a refused WebSocket handshake got. */
export async function refusedHandshake(
  url: string,
  options: { token?: string; protocols?: string[]; origin?: string } = {},
) {
  try {
    const socket = await openSocket(url, options);
    await socket.close();
    return 101;
  } catch (error) {
    return (error as { statusCode?: number }).statusCode ?? -1;
  }
}
