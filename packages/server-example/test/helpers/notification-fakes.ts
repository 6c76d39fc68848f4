import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A local webhook receiver: records every delivery; answers each with the next scripted status (then 200). */
export async function startReceiver() {
  const received: Received[] = [];
  const statuses: number[] = [];
  let hang = false;
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      if (hang) return; // never answers: the sender's timeout must end it
      response.writeHead(statuses.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    url: `http://127.0.0.1:${address.port}/hooks/trd`,
    received,
    answerNext: (...codes: number[]) => statuses.push(...codes),
    hangFromNowOn: () => {
      hang = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A local Telegram Bot API server, from the Bot API documentation (core.telegram.org/bots/api,
 * "Making requests"): `POST /bot<token>/<method>`, answers `{ ok: true, result }` or
 * `{ ok: false, error_code, description, parameters? }`; a flood limit is 429 with
 * `parameters.retry_after` (ResponseParameters). Knows one bot and one chat.
 */
export async function startFakeTelegram(bot: { token: string; chatId: number }) {
  const messages: { chatId: unknown; text: string }[] = [];
  let floodOnce = false;
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      const answer = (status: number, payload: unknown) =>
        response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
      const match = /^\/bot([^/]+)\/(\w+)$/.exec(request.url ?? '');
      if (!match || match[1] !== bot.token)
        return answer(401, { ok: false, error_code: 401, description: 'Unauthorized' });
      if (match[2] !== 'sendMessage')
        return answer(404, { ok: false, error_code: 404, description: 'Not Found' });
      const params = JSON.parse(body || '{}') as { chat_id?: unknown; text?: string };
      if (floodOnce) {
        floodOnce = false;
        return answer(429, {
          ok: false,
          error_code: 429,
          description: 'Too Many Requests: retry after 1',
          parameters: { retry_after: 1 },
        });
      }
      if (Number(params.chat_id) !== bot.chatId)
        return answer(400, { ok: false, error_code: 400, description: 'Bad Request: chat not found' });
      if (typeof params.text !== 'string' || params.text.length === 0)
        return answer(400, { ok: false, error_code: 400, description: 'Bad Request: message text is empty' });
      messages.push({ chatId: params.chat_id, text: params.text });
      return answer(200, {
        ok: true,
        result: {
          message_id: messages.length,
          date: 1,
          chat: { id: bot.chatId, type: 'private' },
          text: params.text,
        },
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    apiRoot: `http://127.0.0.1:${address.port}`,
    messages,
    floodNext: () => {
      floodOnce = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
