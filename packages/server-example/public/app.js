// TRD dashboard: plain ES module, no build step. Talks to the API with the bearer token kept in
// sessionStorage and listens to the user's engine events on the WebSocket.
const TOKEN_KEY = 'trd.token';
const PAGE_SIZE = 15;
const state = { token: sessionStorage.getItem(TOKEN_KEY), user: null, page: 0, symbol: null, socket: null };
const $ = (id) => document.getElementById(id);

// ---------- API ----------
async function api(method, path, body) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (state.token) headers.authorization = `Bearer ${state.token}`;
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  if (response.status === 401 && state.token) logout('Your session has expired, please log in again.');
  if (!response.ok)
    throw Object.assign(new Error(data.message || `${response.status} ${response.statusText}`), {
      status: response.status,
      issues: data.issues ?? [],
    });
  return data;
}

// ---------- formatting ----------
const fmtTime = (ms) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
/** HH:MM:SS, UTC like every time on the page. */
const fmtClock = (ms) => new Date(ms).toISOString().slice(11, 19);
/** Why a trade closed, in words. The last three: the engine closed at market, nothing protected it. */
const EXIT_REASON_LABELS = {
  TAKE_PROFIT: 'Take profit',
  STOP_LOSS: 'Stop loss',
  TIMEOUT: 'Timeout',
  MANUAL: 'Manual',
  EXIT_UNPLACEABLE: 'Exit refused → closed at market',
  EXIT_CANCELLED: 'Exit cancelled at venue',
  STOP_UNFILLED: 'Stop not filled (gap)',
};
/** A reason this page does not know yet shows as the server sent it. */
const exitReasonLabel = (reason) => EXIT_REASON_LABELS[reason] ?? reason;
function fmtNumber(value, digits = 2) {
  const n = Number(value);
  return Number.isFinite(n)
    ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 })
    : '—';
}
function signed(el, value, digits = 4) {
  const n = Number(value);
  el.textContent = `${n > 0 ? '+' : ''}${fmtNumber(value, digits)}`;
  el.classList.toggle('up', n > 0);
  el.classList.toggle('down', n < 0);
}
function cell(row, text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  row.append(td);
  return td;
}

// ---------- auth ----------
let mode = 'login';
for (const tab of document.querySelectorAll('.tab')) {
  tab.addEventListener('click', () => {
    mode = tab.dataset.tab;
    for (const t of document.querySelectorAll('.tab')) t.classList.toggle('active', t === tab);
    for (const el of document.querySelectorAll('.register-only')) el.hidden = mode !== 'register';
    $('auth-form').email.required = mode === 'register';
    $('auth-form').querySelector('[type=submit]').textContent =
      mode === 'register' ? 'Create account' : 'Log in';
  });
}
$('auth-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.target;
  $('auth-error').textContent = '';
  try {
    const body = { username: form.username.value, password: form.password.value };
    if (mode === 'register') body.email = form.email.value;
    const result = await api('POST', mode === 'register' ? '/auth/register' : '/auth/login', body);
    state.token = result.access_token;
    sessionStorage.setItem(TOKEN_KEY, state.token);
    form.password.value = '';
    await enter();
  } catch (error) {
    $('auth-error').textContent = error.message;
  }
});
$('logout').addEventListener('click', () => logout());

function logout(message) {
  state.token = null;
  sessionStorage.removeItem(TOKEN_KEY);
  state.socket?.close();
  state.socket = null;
  $('app').hidden = true;
  $('auth').hidden = false;
  $('logout').hidden = true;
  $('who').textContent = '';
  $('events').replaceChildren();
  decisions = [];
  $('decisions').replaceChildren();
  state.page = 0;
  if (message) $('auth-error').textContent = message;
}

async function enter() {
  const account = await api('GET', '/account');
  state.user = account;
  $('who').textContent = account.username;
  $('logout').hidden = false;
  $('auth').hidden = true;
  $('app').hidden = false;
  initCharts();
  connectSocket();
  showMode(account);
  await Promise.all([loadConfig(), refreshAll(), loadRecentAnalyses(), loadNotifications()]);
}

// ---------- paper or live ----------
/** Paper: the simulated venue at the real prices. Live: the user's own exchange account. */
function showMode(account) {
  const live = account.tradingMode === 'live';
  $('mode').textContent = live ? `live (${account.liveVenue})` : 'paper';
  $('mode').className = live ? 'live' : '';
  const button = $('mode-switch');
  // A server without a live venue has nothing to switch to.
  button.hidden = account.liveVenue === null;
  button.textContent = live ? 'Switch to paper' : 'Go live…';
}
$('mode-switch').addEventListener('click', async () => {
  const live = state.user.tradingMode === 'live';
  const body = live ? { mode: 'paper' } : { mode: 'live', confirm: true };
  // Going live is an explicit, confirmed action: real orders on the user's own account.
  if (
    !live &&
    !window.confirm(
      `Trade live on your own ${state.user.liveVenue} account? Orders from the next cycle use real funds, with the keys you stored.`,
    )
  )
    return;
  try {
    const result = await api('PUT', '/account/trading-mode', body);
    $('message').textContent = result.message;
    state.user = await api('GET', '/account');
    showMode(state.user);
  } catch (error) {
    $('message').textContent = error.message;
  }
});

// ---------- trading controls and config ----------
$('start').addEventListener('click', () => act('POST', '/trading/start'));
$('stop').addEventListener('click', () => act('POST', '/trading/stop'));
async function act(method, path) {
  try {
    const result = await api(method, path);
    $('message').textContent = result.message;
    await loadConfig();
  } catch (error) {
    $('message').textContent = error.message;
  }
}

const CONFIG_FIELDS = [
  'riskPercent',
  'maxPositionPercent',
  'maxDailyTrades',
  'minConfidence',
  'takeProfitPercent',
  'stopLossPercent',
];
async function loadConfig() {
  const config = await api('GET', '/trading/config');
  $('status').textContent = config.isActive ? 'active' : 'stopped';
  $('status').className = config.isActive ? 'up' : 'down';
  const form = $('config-form');
  const select = form.symbol;
  if (select.options.length === 0) {
    for (const symbol of config.engine.symbols) select.append(new Option(symbol, symbol));
  }
  select.value = config.symbol;
  for (const field of CONFIG_FIELDS) form[field].value = config[field];
  const hours = config.engine.tradingHours;
  const engine = $('engine');
  engine.replaceChildren();
  for (const [label, value] of [
    ['Exchange', config.engine.exchange],
    ['Analyzer', config.engine.analyzer],
    ['Trading hours', hours ? `${hours.startHourUtc}:00–${hours.endHourUtc}:00 UTC` : 'around the clock'],
    ['Cycle', `${config.engine.cycleSeconds} s`],
    ['Position timeout', `${config.engine.positionTimeoutMinutes} min`],
  ]) {
    const dt = document.createElement('dt');
    dt.textContent = label;
    const dd = document.createElement('dd');
    dd.textContent = value;
    engine.append(dt, dd);
  }
  if (state.symbol !== config.symbol) {
    state.symbol = config.symbol;
    await refreshChart();
  }
}
$('config-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.target;
  const body = { symbol: form.symbol.value };
  for (const field of CONFIG_FIELDS) body[field] = Number(form[field].value);
  try {
    await api('PUT', '/trading/config', body);
    $('message').textContent = 'Settings saved.';
    await loadConfig();
  } catch (error) {
    $('message').textContent = error.message;
  }
});

// ---------- notifications ----------
// Secrets (the webhook's signing secret, the bot token) are never sent back: a stored one shows as
// "stored", and saving again needs it typed again (the server keeps no half of a setting).
const NOTIFY_EVENTS = ['tradeOpened', 'tradeClosed', 'riskRejections', 'engineErrors'];
const BOT_TOKEN = /^\d{5,20}:[A-Za-z0-9_-]{30,64}$/;
const CHAT_ID = /^(-?\d{1,20}|@[A-Za-z0-9_]{5,32})$/;

function notifyErrors(errors) {
  for (const el of document.querySelectorAll('#notify-form .field-error')) {
    el.textContent = errors[el.dataset.field] ?? '';
  }
}
function showNotifications(view) {
  const form = $('notify-form');
  form.webhookUrl.value = view.webhook?.url ?? '';
  form.chatId.value = view.telegram?.chatId ?? '';
  form.webhookSecret.value = '';
  form.botToken.value = '';
  form.webhookSecret.placeholder = view.webhook?.secretSet
    ? 'stored (type it again to change anything)'
    : 'at least 16 characters';
  form.botToken.placeholder = view.telegram?.botTokenSet
    ? 'stored (type it again to change anything)'
    : 'from @BotFather';
  const any = view.webhook !== null || view.telegram !== null;
  for (const event of NOTIFY_EVENTS)
    form[event].checked = any ? view.events[event] : ['tradeOpened', 'tradeClosed'].includes(event);
  const parts = [
    view.webhook ? 'a webhook' : '',
    view.telegram ? `Telegram chat ${view.telegram.chatId}` : '',
  ].filter(Boolean);
  $('notify-stored').textContent = any ? `Sending to ${parts.join(' and ')}.` : 'No notifications set.';
  $('notify-test').disabled = !any;
  $('notify-remove').disabled = !any;
}
async function loadNotifications() {
  showNotifications(await api('GET', '/account/notifications'));
}
/** The body of PUT /account/notifications, or the errors to show beside the fields. */
function notificationBody(form) {
  const errors = {};
  const body = { events: {} };
  for (const event of NOTIFY_EVENTS) body.events[event] = form[event].checked;
  const url = form.webhookUrl.value.trim();
  const secret = form.webhookSecret.value;
  if (url || secret) {
    if (!url) errors['webhook.url'] = 'Enter the URL to post to.';
    else if (!/^https?:\/\/[^\s]+$/.test(url)) errors['webhook.url'] = 'Must be an http(s) URL.';
    if (secret.length < 16)
      errors['webhook.secret'] = 'At least 16 characters (a stored secret is never shown: type it again).';
    body.webhook = { url, secret };
  }
  const botToken = form.botToken.value.trim();
  const chatId = form.chatId.value.trim();
  if (botToken || chatId) {
    if (!BOT_TOKEN.test(botToken))
      errors['telegram.botToken'] =
        'A bot token from @BotFather, like 123456789:AA… (type a stored one again).';
    if (!CHAT_ID.test(chatId))
      errors['telegram.chatId'] = 'A chat id (digits, - for groups) or @channelname.';
    body.telegram = { botToken, chatId };
  }
  if (!body.webhook && !body.telegram) errors['webhook.url'] = 'Set a webhook or a Telegram chat (or both).';
  return { body, errors };
}
$('notify-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const { body, errors } = notificationBody(event.target);
  notifyErrors(errors);
  $('notify-message').textContent = '';
  if (Object.keys(errors).length > 0) return;
  try {
    showNotifications(await api('PUT', '/account/notifications', body));
    $('notify-message').textContent = 'Notifications saved.';
  } catch (error) {
    // The server's 400 names each field (`body.webhook.url`, `webhook.url`).
    const fromServer = {};
    for (const issue of error.issues ?? []) fromServer[issue.field.replace(/^body\./, '')] = issue.message;
    notifyErrors(fromServer);
    $('notify-message').textContent = error.message;
  }
});
$('notify-test').addEventListener('click', async () => {
  $('notify-message').textContent = 'Sending a test…';
  try {
    const result = await api('POST', '/account/notifications/test');
    const said = (name, channel) =>
      channel ? `${name}: ${channel.delivered ? 'delivered' : `not delivered (${channel.reason})`}.` : '';
    $('notify-message').textContent = [said('Webhook', result.webhook), said('Telegram', result.telegram)]
      .filter(Boolean)
      .join(' ');
  } catch (error) {
    $('notify-message').textContent = error.message;
  }
});
$('notify-remove').addEventListener('click', async () => {
  try {
    await api('DELETE', '/account/notifications');
    notifyErrors({});
    await loadNotifications();
    $('notify-message').textContent = 'Notifications removed.';
  } catch (error) {
    $('notify-message').textContent = error.message;
  }
});

// ---------- data panels ----------
async function refreshAll() {
  await Promise.all([refreshPortfolio(), refreshPosition(), refreshTrades(), refreshPerformance()]);
  await refreshChart();
}

async function refreshPortfolio() {
  const portfolio = await api('GET', '/portfolio');
  const { stats } = portfolio;
  signed($('stat-pnl'), stats.totalRealizedPnl);
  $('stat-trades').textContent = String(stats.totalTrades);
  $('stat-winrate').textContent = `${fmtNumber(stats.winRate, 1)}%`;
  $('stat-fees').textContent = fmtNumber(stats.totalFees, 4);
  $('stat-today').textContent = String(portfolio.tradesToday);
  const rows = (portfolio.balances ?? []).map((b) => {
    const tr = document.createElement('tr');
    cell(tr, b.asset);
    cell(tr, fmtNumber(b.free, 8));
    return tr;
  });
  if (portfolio.balancesError) {
    const tr = document.createElement('tr');
    cell(tr, portfolio.balancesError, 'down');
    rows.push(tr);
  }
  $('balances').replaceChildren(...rows);
  const dust = (stats.dust ?? []).map((holding) => {
    const tr = document.createElement('tr');
    tr.dataset.testid = 'dust-row';
    cell(tr, holding.asset);
    cell(tr, holding.quantity);
    cell(tr, fmtNumber(holding.cost, 8));
    tr.title = `${holding.symbol}: below one step, swept into the next exit on ${holding.symbol}`;
    return tr;
  });
  if (dust.length === 0) {
    const tr = document.createElement('tr');
    const td = cell(tr, 'none', 'muted');
    td.colSpan = 3;
    dust.push(tr);
  }
  $('dust').replaceChildren(...dust);
}

let openPosition = null;
async function refreshPosition() {
  const { positions } = await api('GET', '/trading/positions');
  openPosition = positions[0] ?? null;
  const box = $('position');
  if (!openPosition) {
    box.innerHTML = '<p class="muted">No open position.</p>';
    drawPositionLines();
    return;
  }
  const p = openPosition;
  const badge = protectionBadge(p);
  const dl = document.createElement('dl');
  dl.className = 'kv';
  for (const [label, value] of [
    ['Symbol', p.symbol],
    ['Side', p.side],
    ['Quantity', p.quantity],
    ['Entry', p.entryPrice],
    ['Take profit', p.takeProfit],
    ['Stop loss', p.stopLoss],
    ['Opened', fmtTime(p.openedAt)],
  ]) {
    const dt = document.createElement('dt');
    dt.textContent = label;
    const dd = document.createElement('dd');
    dd.textContent = value;
    dl.append(dt, dd);
  }
  const close = document.createElement('button');
  close.textContent = 'Close at market';
  close.dataset.testid = 'close-position';
  close.addEventListener('click', async () => {
    close.disabled = true;
    try {
      await api('POST', `/trading/close/${encodeURIComponent(p.tradeId)}`);
      $('message').textContent = 'Position closed.';
    } catch (error) {
      $('message').textContent = error.message;
    }
    await refreshAll();
  });
  box.replaceChildren(badge, dl, close);
  drawPositionLines();
}

/** "Protected" while an exit pair works at the venue, else "Unprotected since HH:MM:SS" (a warning). */
function protectionBadge(position) {
  // A server from before the protection state sends none: an exit reference means protected.
  const protection = position.protection ?? (position.exitRef ? 'protected' : 'unprotected');
  const badge = document.createElement('p');
  badge.dataset.testid = 'protection';
  badge.dataset.protection = protection;
  if (protection === 'protected') {
    badge.className = 'badge badge-protected';
    badge.textContent = 'Protected';
    if (position.exitRef) badge.title = `exit pair ${position.exitRef} working at the venue`;
  } else {
    const since = position.unprotectedSince ?? position.openedAt;
    badge.className = 'badge badge-unprotected';
    badge.textContent = `Unprotected since ${fmtClock(since)}`;
    badge.title = `No exit protects this position since ${fmtTime(since)} UTC: the engine places the exit or closes at market on its next pass.`;
  }
  return badge;
}

let tradeTotal = 0;
let markerTrades = [];
async function refreshTrades() {
  const page = await api('GET', `/trading/trades?limit=${PAGE_SIZE}&offset=${state.page * PAGE_SIZE}`);
  tradeTotal = page.total;
  if (state.page === 0) markerTrades = page.trades;
  const rows = page.trades.map((t) => {
    const tr = document.createElement('tr');
    tr.dataset.testid = 'trade-row';
    // The decisions panel links here.
    tr.id = `trade-${t.id}`;
    cell(tr, fmtTime(t.openedAt));
    cell(tr, t.symbol);
    cell(tr, t.side, t.side === 'buy' ? 'up' : 'down');
    cell(tr, t.quantity);
    cell(tr, t.entryPrice);
    cell(tr, t.exitPrice ?? '—');
    reasonCell(tr, t);
    const pnl = cell(tr, '—');
    if (t.profitLoss !== undefined) signed(pnl, t.profitLoss);
    cell(tr, t.status);
    return tr;
  });
  $('trades').replaceChildren(...rows);
  const pages = Math.max(1, Math.ceil(tradeTotal / PAGE_SIZE));
  $('page-info').textContent = `page ${state.page + 1} of ${pages} (${tradeTotal} trades)`;
  $('prev-page').disabled = state.page === 0;
  $('next-page').disabled = state.page + 1 >= pages;
}
/** The exit reason as a label; the engine's note (when it closed at market) as a second line and tooltip. */
function reasonCell(row, trade) {
  const td = cell(row, trade.exitReason ? exitReasonLabel(trade.exitReason) : '—', 'reason');
  td.dataset.testid = 'exit-reason';
  if (trade.exitReason) td.dataset.reason = trade.exitReason;
  if (trade.exitNote) {
    td.title = trade.exitNote;
    const note = document.createElement('div');
    note.className = 'reason-note';
    note.dataset.testid = 'exit-note';
    note.textContent = trade.exitNote;
    td.append(note);
  }
  return td;
}

$('prev-page').addEventListener('click', () => {
  state.page = Math.max(0, state.page - 1);
  refreshTrades();
});
$('next-page').addEventListener('click', () => {
  state.page += 1;
  refreshTrades();
});

// ---------- charts ----------
let priceChart = null;
let candleSeries = null;
let markers = null;
let equityChart = null;
let equitySeries = null;
let positionLines = [];
const chartOptions = {
  layout: { background: { color: '#171e2e' }, textColor: '#8a94ab' },
  grid: { vertLines: { color: '#1f2740' }, horzLines: { color: '#1f2740' } },
  timeScale: { timeVisible: true, secondsVisible: false, rightOffset: 6 },
  autoSize: true,
};
function initCharts() {
  const LWC = window.LightweightCharts;
  if (priceChart || !LWC) return;
  priceChart = LWC.createChart($('price-chart'), chartOptions);
  candleSeries = priceChart.addSeries(LWC.CandlestickSeries, {
    upColor: '#26a69a',
    downColor: '#ef5350',
    borderVisible: false,
    wickUpColor: '#26a69a',
    wickDownColor: '#ef5350',
    // Keep the open position's take profit and stop loss in view.
    autoscaleInfoProvider: (original) => {
      const result = original();
      if (!result || !openPosition || openPosition.symbol !== state.symbol) return result;
      const levels = [openPosition.takeProfit, openPosition.stopLoss].map(Number);
      return {
        ...result,
        priceRange: {
          minValue: Math.min(result.priceRange.minValue, ...levels),
          maxValue: Math.max(result.priceRange.maxValue, ...levels),
        },
      };
    },
  });
  markers = LWC.createSeriesMarkers(candleSeries, []);
  equityChart = LWC.createChart($('equity-chart'), chartOptions);
  equitySeries = equityChart.addSeries(LWC.BaselineSeries, { baseValue: { type: 'price', price: 0 } });
}

const toSeconds = (ms) => Math.floor(ms / 1000);
async function refreshChart() {
  if (!candleSeries || !state.symbol) return;
  const { symbol, candles } = await api(
    'GET',
    `/market/candles?symbol=${encodeURIComponent(state.symbol)}&limit=300`,
  );
  $('chart-symbol').textContent = symbol;
  candleSeries.setData(
    candles.map((c) => ({ time: toSeconds(c.time), open: c.open, high: c.high, low: c.low, close: c.close })),
  );
  const first = candles[0]?.time ?? 0;
  const list = [];
  for (const t of markerTrades) {
    if (t.symbol !== symbol || t.status === 'failed') continue;
    if (t.openedAt >= first) {
      list.push({
        time: toSeconds(t.openedAt),
        position: t.side === 'buy' ? 'belowBar' : 'aboveBar',
        color: t.side === 'buy' ? '#26a69a' : '#ef5350',
        shape: t.side === 'buy' ? 'arrowUp' : 'arrowDown',
        text: `${t.side} ${t.entryPrice}`,
      });
    }
    if (t.closedAt !== undefined && t.closedAt >= first) {
      list.push({
        time: toSeconds(t.closedAt),
        position: t.side === 'buy' ? 'aboveBar' : 'belowBar',
        color: '#f0b90b',
        shape: 'circle',
        text: `${t.exitReason} ${t.exitPrice}`,
      });
    }
  }
  // Markers must be sorted by time; they snap to the bar that contains them.
  list.sort((a, b) => a.time - b.time);
  markers.setMarkers(list);
  drawPositionLines();
}

function drawPositionLines() {
  if (!candleSeries) return;
  for (const line of positionLines) candleSeries.removePriceLine(line);
  positionLines = [];
  if (!openPosition || openPosition.symbol !== state.symbol) return;
  for (const [title, price, color] of [
    ['entry', openPosition.entryPrice, '#4c8dff'],
    ['TP', openPosition.takeProfit, '#26a69a'],
    ['SL', openPosition.stopLoss, '#ef5350'],
  ]) {
    positionLines.push(
      candleSeries.createPriceLine({ price: Number(price), color, lineWidth: 1, lineStyle: 2, title }),
    );
  }
}

async function refreshPerformance() {
  const performance = await api('GET', '/portfolio/performance');
  if (!equitySeries) return;
  let last = 0;
  const points = performance.equityCurve.map((p) => {
    // One point per second at most: the chart needs strictly increasing times.
    const time = Math.max(toSeconds(p.time), last + 1);
    last = time;
    return { time, value: Number(p.cumulativePnl) };
  });
  equitySeries.setData(points);
  equityChart.timeScale().fitContent();
}

// ---------- live events ----------
/** Shows the latest stored decisions, and their analyses in the feed, so neither is empty after a reload. */
async function loadRecentAnalyses() {
  const { analyses } = await api('GET', `/trading/analyses?limit=${DECISION_LIMIT}`);
  decisions = analyses.map(decisionFromRecord);
  renderDecisions();
  for (const a of [...analyses].reverse()) {
    showEvent({
      type: 'analysis',
      at: a.time,
      symbol: a.symbol,
      price: a.price,
      signal: { action: a.action, confidence: a.confidence, reasoning: a.reasoning },
    });
  }
}

// ---------- decisions ----------
const DECISION_LIMIT = 20;
/** Newest first: what each analysis decided for this user. */
let decisions = [];
const OUTCOME_LABELS = {
  approved: 'approved',
  rejected: 'rejected',
  hold: 'hold',
  pending: 'risk check…',
  undecided: 'no verdict',
};

/** A stored decision record (GET /trading/analyses). */
function decisionFromRecord(a) {
  return {
    time: a.time,
    symbol: a.symbol,
    action: a.action,
    confidence: a.confidence,
    modelConfidence: a.modelSignal.confidence,
    reasoning: a.reasoning,
    model: a.model.version ?? a.model.name,
    mode: a.mode,
    policy: a.policy,
    outcome: a.verdict.outcome,
    violations: a.verdict.violations,
    reason: a.verdict.reason,
    tradeId: a.tradeId,
  };
}

/** An `analysis` message: its verdict follows as `trade:rejected` / `trade:opened` (buy or sell). */
function decisionFromMessage(m) {
  const hold = m.signal.action === 'hold';
  const adjustment = m.policy?.confidenceAdjustment ?? 0;
  return {
    time: m.at,
    symbol: m.symbol,
    action: m.signal.action,
    confidence: m.signal.confidence,
    // The model's confidence before the policy's adjustment (clamped at 0 by core: unknown then).
    modelConfidence:
      m.signal.confidence > 0 || adjustment === 0 ? m.signal.confidence - adjustment : undefined,
    reasoning: m.signal.reasoning,
    model: m.signal.model ?? m.analyzer,
    mode: m.mode ?? null,
    policy: m.policy ?? null,
    outcome: hold ? 'hold' : 'pending',
    violations: [],
    reason: hold ? (m.signal.reasoning ?? 'the signal was hold') : 'waiting for the risk check',
    tradeId: null,
  };
}

/** The newest decision on `symbol` still waiting for its verdict gets it. */
function settleDecision(symbol, verdict) {
  const decision = decisions.find((d) => d.symbol === symbol && d.outcome === 'pending');
  if (!decision) return;
  Object.assign(decision, verdict);
  renderDecisions();
}

function onDecisionMessage(message) {
  if (message.type === 'analysis') {
    decisions.unshift(decisionFromMessage(message));
    decisions.length = Math.min(decisions.length, DECISION_LIMIT * 2);
    renderDecisions();
  } else if (message.type === 'trade:rejected') {
    settleDecision(message.symbol, {
      outcome: 'rejected',
      violations: message.violations.map((v) => v.code),
      reason: message.violations.map((v) => v.message).join('; '),
    });
  } else if (message.type === 'trade:opened') {
    settleDecision(message.trade.symbol, {
      outcome: 'approved',
      tradeId: message.trade.id,
      reason: `risk checks passed: ${message.trade.side} ${message.trade.quantity} at ${message.trade.entryPrice}`,
    });
  }
}

function renderDecisions() {
  const rows = decisions.map((d) => {
    const tr = document.createElement('tr');
    tr.dataset.testid = 'decision-row';
    tr.dataset.outcome = d.outcome;
    cell(tr, fmtClock(d.time)).title = `${fmtTime(d.time)} UTC`;
    cell(tr, d.symbol);
    const signal = cell(tr, d.action, d.action === 'buy' ? 'up' : d.action === 'sell' ? 'down' : 'muted');
    signal.dataset.testid = 'decision-signal';
    signal.title = [d.reasoning, d.model && `model ${d.model}`].filter(Boolean).join(' — ');
    const changed = d.modelConfidence !== undefined && d.modelConfidence !== d.confidence;
    const confidence = cell(tr, changed ? `${d.modelConfidence} → ${d.confidence}` : String(d.confidence));
    confidence.dataset.testid = 'decision-confidence';
    if (changed)
      confidence.title = `the model said ${d.modelConfidence}; your record makes it ${d.confidence}`;
    policyCell(tr, d);
    verdictCell(tr, d);
    const trade = cell(tr, '');
    trade.dataset.testid = 'decision-trade';
    if (d.tradeId) trade.append(tradeLink(d.tradeId));
    else trade.textContent = '—';
    return tr;
  });
  if (rows.length === 0) {
    const tr = document.createElement('tr');
    cell(tr, 'No analysis yet.', 'muted').colSpan = 7;
    rows.push(tr);
  }
  $('decisions').replaceChildren(...rows);
}

/** Required confidence, the adjustment and the caution flag the user's record set (shared mode). */
function policyCell(row, d) {
  const td = cell(row, '');
  td.dataset.testid = 'decision-policy';
  if (!d.policy) {
    td.textContent = d.mode === 'personal' ? 'in the prompt' : '—';
    td.className = 'muted';
    if (d.mode === 'personal') td.title = 'personal mode: the model weighed your record itself';
    return td;
  }
  const { requiredConfidence, confidenceAdjustment, caution, reasons } = d.policy;
  const parts = [`needs ${requiredConfidence}`];
  if (confidenceAdjustment !== 0) parts.push(`${confidenceAdjustment > 0 ? '+' : ''}${confidenceAdjustment}`);
  td.textContent = parts.join(', ');
  if (caution) {
    const flag = document.createElement('span');
    flag.className = 'caution';
    flag.dataset.testid = 'decision-caution';
    flag.textContent = ' caution';
    td.append(flag);
  }
  td.title = reasons.length > 0 ? reasons.join('; ') : 'no performance rule applied';
  return td;
}

function verdictCell(row, d) {
  const td = cell(row, '');
  td.dataset.testid = 'decision-verdict';
  const label = document.createElement('span');
  label.className = `outcome outcome-${d.outcome}`;
  label.textContent = OUTCOME_LABELS[d.outcome] ?? d.outcome;
  td.append(label);
  const detail = d.violations.length > 0 ? d.violations.join(', ') : d.reason;
  if (detail) {
    const note = document.createElement('div');
    note.className = 'reason-note';
    note.textContent = detail;
    td.append(note);
  }
  td.title = d.reason ?? '';
  return td;
}

/** The trade a decision opened: jumps to its row in the trade history (when on the page shown). */
function tradeLink(tradeId) {
  const link = document.createElement('a');
  link.href = `#trade-${tradeId}`;
  link.textContent = `trade ${tradeId.slice(-8)}`;
  link.title = tradeId;
  link.dataset.tradeId = tradeId;
  link.addEventListener('click', (event) => {
    event.preventDefault();
    const row = document.getElementById(`trade-${tradeId}`);
    if (!row) {
      $('message').textContent = `trade ${tradeId} is on another page of the history`;
      return;
    }
    for (const other of document.querySelectorAll('tr.highlight')) other.classList.remove('highlight');
    row.classList.add('highlight');
    row.scrollIntoView({ block: 'center' });
  });
  return link;
}

function connectSocket() {
  if (state.socket || !state.token) return;
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
  // The token travels as an offered subprotocol, so it stays out of URLs and access logs.
  const socket = new WebSocket(url, ['trd.v1', `bearer.${state.token}`]);
  state.socket = socket;
  socket.addEventListener('open', () => setConnection(true));
  socket.addEventListener('close', () => {
    setConnection(false);
    if (state.socket === socket) {
      state.socket = null;
      if (state.token) setTimeout(connectSocket, 3000);
    }
  });
  socket.addEventListener('message', (event) => {
    const message = JSON.parse(event.data);
    // The server's link to the other processes dropped: events may be missing, read everything again.
    if (message.type === 'resync') {
      refreshAll().catch(() => {});
      return;
    }
    showEvent(message);
    onDecisionMessage(message);
    if (['trade:opened', 'trade:closed', 'position:timeout'].includes(message.type)) refreshAll();
    else if (['position:protected', 'position:unprotected'].includes(message.type))
      refreshPosition().catch(() => {});
  });
}
function setConnection(on) {
  $('connection').textContent = on ? 'live' : 'offline';
  $('connection').className = `pill ${on ? 'pill-on' : 'pill-off'}`;
}

function describe(message) {
  switch (message.type) {
    case 'connected':
      return 'listening to your engine events';
    case 'analysis':
      return `${message.symbol} ${message.signal.action} (${message.signal.confidence}%) at ${fmtNumber(message.price)} — ${message.signal.reasoning ?? ''}`;
    case 'trade:opened':
      return `${message.trade.side} ${message.trade.quantity} ${message.trade.symbol} at ${message.trade.entryPrice} (TP ${message.trade.takeProfit}, SL ${message.trade.stopLoss})`;
    case 'trade:closed':
      return `${message.trade.symbol} closed: ${exitReasonLabel(message.trade.exitReason)} at ${message.trade.exitPrice}, P&L ${message.trade.profitLoss}${message.trade.exitNote ? ` — ${message.trade.exitNote}` : ''}`;
    case 'trade:rejected':
      return `${message.symbol} ${message.signal.action} rejected: ${message.violations.map((v) => v.message).join('; ')}`;
    case 'position:protected':
      return `position ${message.tradeId} protected (exit ${message.exitRef})`;
    case 'position:unprotected':
      return `position ${message.tradeId} unprotected: ${message.reason}`;
    case 'position:timeout':
      return `position ${message.tradeId} timed out`;
    case 'error':
      return `${message.stage}: ${message.message}`;
    default:
      return JSON.stringify(message);
  }
}
function showEvent(message) {
  if (message.type === 'pong') return;
  const li = document.createElement('li');
  li.dataset.type = message.type;
  const type = document.createElement('span');
  type.className = 'type';
  type.textContent = message.type;
  const text = document.createElement('span');
  text.textContent = ` ${fmtTime(message.at)} ${describe(message)}`;
  li.append(type, text);
  const list = $('events');
  list.prepend(li);
  while (list.children.length > 200) list.lastChild.remove();
}

// Keep the chart moving between events.
setInterval(() => {
  if (state.token && !$('app').hidden) refreshChart().catch(() => {});
}, 5000);

if (state.token) enter().catch(() => logout());
