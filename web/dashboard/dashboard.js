// tradeagg's risk dashboard: the live position book per participant, a participant's instruments,
// counterparties and exposure through the day, and the service's status. Plain ES modules, no
// build step; served by tradeagg under a Content-Security-Policy that allows only this origin's
// files (so no inline script or style: styles set from here go through the CSSOM).
//
// The bearer token lives in a variable of this module only, never in localStorage, sessionStorage
// or a cookie: a reload logs out. Money is shown from the API's exact decimal text; sums and shares
// are computed with BigInt fixed point (decimal.js). Numbers are converted to Number only to place
// points on the chart.

import { parseDecimal, formatDecimal, formatScaled, percentText } from './decimal.js';
import { readEvents } from './sse.js';

const $ = (id) => document.getElementById(id);

const STATUS_REFRESH_MS = 10_000;     // status panel: readiness, lake, runs
const DETAIL_REFRESH_MS = 30_000;     // a participant's run-based data (history, counterparties)
const STREAM_IDLE_MS = 45_000;        // the server sends a keep-alive every 15 s: 3 missed = dead
const STREAM_MAX_BACKOFF_MS = 30_000;
const POLL_MS = 5_000;                // only when the server has no stream route
const RUNS_SHOWN = 5;

const state = {
  session: null,          // {token, username, role, participant, exp}
  abort: null,            // AbortController of the session: logout aborts every request
  stream: null,           // AbortController of the live stream
  gen: 0,                 // bumped when the date changes or the session ends: late answers dropped
  date: null,             // business date asked for; null: the server's current one
  book: null,             // the last positions answer shown
  model: null,
  sort: null,             // {key, dir: 'ascending' | 'descending'}
  filter: '',
  columnsKey: '',
  columns: [],
  rows: new Map(),        // participant → {tr, button, cells: [td]}
  selected: null,         // participant of the drill-down
  detail: null,           // {participant, date, points, seq}
  detailSeq: 0,
  chart: null,
  chartObserver: null,
  newestRun: null,
  runDetails: new Map(),  // run_id → reconciliation details (runs with differences)
  timers: [],
  lastAnnounce: 0,
  summary: [],            // the status panel in a line, for the controls bar
};

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

function h(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) e.append(c);
  return e;
}

const isMember = () => state.session?.role === 'member';

function utcTime(iso) {
  if (!iso) return '—';
  return iso.replace('T', ' ').replace(/\.\d+/, '').replace(/Z$/, '');
}

function clockUtc(d = new Date()) {
  return d.toISOString().slice(11, 19) + ' UTC';
}

function money(text) {
  return text === null || text === undefined ? '—' : formatDecimal(text);
}

function directionClass(dir) {
  return dir === 'LONG' ? 'dir-long' : dir === 'SHORT' ? 'dir-short' : dir === 'FLAT' ? 'dir-flat' : '';
}

function signClass(text) {
  if (text === null || text === undefined) return '';
  const v = parseDecimal(text);
  return v < 0n ? 'neg' : '';
}

function sleep(ms, signal) {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
  });
}

function every(ms, fn) {
  state.timers.push(setInterval(fn, ms));
}

function announce(text) {
  const now = Date.now();
  if (now - state.lastAnnounce < 5000) return;   // a busy book must not drown a screen reader
  state.lastAnnounce = now;
  $('announcer').textContent = text;
}

// ---------------------------------------------------------------------------------------------
// The API
// ---------------------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, body, retryAfter, message) {
    super(message || (body && (body.detail || body.title)) || `HTTP ${status}`);
    this.status = status;
    this.body = body;
    this.retryAfter = retryAfter;
  }
}

const isAbort = (e) => e?.name === 'AbortError';

async function api(path, { method = 'GET', body, auth = true } = {}) {
  const headers = { Accept: 'application/json' };
  if (auth && state.session) headers.Authorization = `Bearer ${state.session.token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const signal = auth ? state.abort?.signal : undefined;
  let res;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body),
                              signal, cache: 'no-store', credentials: 'omit' });
  } catch (e) {
    if (isAbort(e)) throw e;
    throw new ApiError(0, null, null, 'cannot reach the server');
  }
  const text = await res.text();
  let data = null;
  if (text) { try { data = JSON.parse(text); } catch { data = null; } }
  if (!res.ok) {
    if (res.status === 401 && auth && state.session) expireSession();
    throw new ApiError(res.status, data, res.headers.get('Retry-After'));
  }
  return data;
}

function describeError(e) {
  if (e.status === 0) return 'Cannot reach the server.';
  if (e.status === 403) return 'Not allowed for your role.';
  if (e.status === 429) return `Too many requests; try again in ${e.retryAfter || 'a few'} seconds.`;
  if (e.status === 503) return `The service is unavailable or busy; try again in ${e.retryAfter || 'a few'} seconds.`;
  return `${e.message}${e.status ? ` (HTTP ${e.status})` : ''}`;
}

function decodeClaims(token) {
  const part = token.split('.')[1] || '';
  const b64 = part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '=');
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

// ---------------------------------------------------------------------------------------------
// Session
// ---------------------------------------------------------------------------------------------

function loginMessage(e) {
  if (e.status === 401) return 'Wrong username or password.';
  if (e.status === 429) {
    return `Too many failed log-ins for this username or from this address. Try again in ${e.retryAfter || 'a few'} seconds.`;
  }
  if (e.status === 503) return `The server is busy; try again in ${e.retryAfter || 'a few'} seconds.`;
  if (e.status === 0) return 'Cannot reach the server.';
  return `Log-in failed: ${e.message} (HTTP ${e.status}).`;
}

async function onLogin(ev) {
  ev.preventDefault();
  const username = $('username').value.trim();
  const password = $('password').value;
  const error = $('login-error');
  error.textContent = '';
  if (!username || !password) {
    error.textContent = 'Enter your username and password.';
    (username ? $('password') : $('username')).focus();
    return;
  }
  const button = $('login-button');
  button.disabled = true;
  button.textContent = 'Logging in…';
  try {
    const res = await api('/v1/auth/token', { method: 'POST', body: { username, password }, auth: false });
    startSession(res.access_token);
  } catch (e) {
    error.textContent = loginMessage(e);
    $('password').focus();
  } finally {
    button.disabled = false;
    button.textContent = 'Log in';
  }
}

function startSession(token) {
  let claims;
  try {
    claims = decodeClaims(token);
  } catch {
    $('login-error').textContent = 'The server answered with a token this page cannot read.';
    return;
  }
  state.session = { token, username: claims.sub, role: claims.role, participant: claims.participant || null,
                    exp: claims.exp };
  state.abort = new AbortController();
  state.gen++;
  Object.assign(state, { date: null, book: null, model: null, sort: null, filter: '', selected: null,
                         detail: null, newestRun: null, columnsKey: '' });
  state.runDetails.clear();
  $('password').value = '';
  $('login-error').textContent = '';
  $('filter').value = '';
  $('who').textContent = isMember()
    ? `${state.session.username} · member of ${state.session.participant}`
    : `${state.session.username} · ${state.session.role}`;
  $('filter-field').hidden = isMember();
  $('login-view').hidden = true;
  $('app-view').hidden = false;
  $('session-bar').hidden = false;
  document.body.classList.toggle('role-member', isMember());
  if (claims.exp) {
    const ms = claims.exp * 1000 - Date.now();
    state.timers.push(setTimeout(expireSession, Math.max(0, Math.min(ms, 2 ** 31 - 1))));
  }
  $('main').focus();
  reloadBook();
  refreshStatus();
  every(STATUS_REFRESH_MS, refreshStatus);
  every(DETAIL_REFRESH_MS, () => { if (state.selected) loadDetailRuns(); });
}

function expireSession() {
  if (state.session) logout('Your session has ended (expired or revoked); log in again.');
}

function logout(message = '') {
  state.abort?.abort();
  stopStream();
  for (const t of state.timers) { clearInterval(t); clearTimeout(t); }
  state.timers = [];
  state.session = null;
  state.abort = null;
  state.gen++;
  state.book = null;
  state.model = null;
  state.selected = null;
  state.detail = null;
  state.columnsKey = '';
  state.rows.clear();
  state.runDetails.clear();
  destroyChart();
  // Nothing of the session stays in the page.
  for (const id of ['participants', 'instruments', 'counterparties', 'runs', 'chart-table']) {
    const t = $(id);
    for (const part of t.querySelectorAll('thead, tbody, tfoot')) {
      if (id === 'participants' || part.tagName === 'TBODY') part.replaceChildren();
    }
  }
  for (const id of ['health', 'lake', 'book-meta', 'participants-note', 'who', 'announcer', 'chart-message',
                    'status-summary-text', 'participants-caption']) {
    $(id).replaceChildren();
  }
  $('participants').querySelectorAll('colgroup').forEach((c) => c.remove());
  $('detail').hidden = true;
  $('app-error').hidden = true;
  $('app-view').hidden = true;
  $('session-bar').hidden = true;
  $('login-view').hidden = false;
  setLive('off');
  $('login-error').textContent = message;
  $('username').focus();
}

// ---------------------------------------------------------------------------------------------
// The book: GET /v1/positions, then the live stream
// ---------------------------------------------------------------------------------------------

function bookQuery(extra = {}) {
  const q = new URLSearchParams();
  const date = extra.business_date ?? state.date;
  if (date) q.set('business_date', date);
  // A member asks for its own participant only (the API would refuse or scope anything else).
  const participant = isMember() ? state.session.participant : extra.participant;
  if (participant) q.set('participant', participant);
  return q.toString();
}

function showAppError(text) {
  const e = $('app-error');
  e.textContent = text;
  e.hidden = !text;
}

async function reloadBook() {
  state.gen++;
  const gen = state.gen;
  stopStream();
  try {
    const book = await api(`/v1/positions?${bookQuery()}`);
    if (gen !== state.gen) return;
    showAppError('');
    applyBook(book, 'load');
  } catch (e) {
    if (isAbort(e) || gen !== state.gen) return;
    showAppError(`Positions could not be loaded: ${describeError(e)}`);
  }
  if (gen === state.gen && state.session) startStream(gen);
}

function applyBook(book, source) {
  const prev = state.book;
  const sameDate = prev && prev.business_date === book.business_date;
  // The stream and a GET may cross: never go back to an older book of the same date.
  if (sameDate && book.watermark < prev.watermark) return;
  state.book = book;
  if (!state.date) $('business-date').value = book.business_date;
  renderBook(Boolean(sameDate));
  $('book-meta').textContent =
    `Business date ${book.business_date}${state.date ? '' : ' (current)'} · watermark ${book.watermark} · updated ${clockUtc()}`;
  if (state.selected) {
    if (!prev || prev.business_date !== book.business_date || state.detail?.date !== book.business_date) {
      openDetail(state.selected, { focus: false });
    } else {
      updateDetailFromBook();
    }
  }
  if (source === 'live' && prev && sameDate && prev.watermark !== book.watermark) {
    const n = state.model.rows.length;
    announce(`Positions updated: ${n} participant${n === 1 ? '' : 's'}, watermark ${book.watermark}.`);
  }
}

function setLive(mode) {
  const live = $('live');
  const text = { off: 'Live: off', connecting: 'Live: connecting…', connected: 'Live: connected',
                 reconnecting: 'Live: reconnecting…', polling: 'Live: polling (no stream)' }[mode];
  if (live.textContent !== text) live.textContent = text;
  live.className = `live live-${mode}`;
  live.dataset.state = mode;
}

function stopStream() {
  state.stream?.abort();
  state.stream = null;
}

function startStream(gen) {
  stopStream();
  const ctl = new AbortController();
  state.stream = ctl;
  state.abort.signal.addEventListener('abort', () => ctl.abort(), { once: true });
  streamLoop(ctl, bookQuery(), gen);
}

// GET /v1/positions/stream answers text/event-stream. EventSource cannot send the Authorization
// header (and the token must not go into a URL or a cookie), so the stream is read with fetch()
// and parsed here. On any failure: reconnect with exponential backoff and jitter; 401 ends the
// session; logout or a new date aborts it.
async function streamLoop(ctl, query, gen) {
  let delay = 1000;
  let attempt = 0;
  while (!ctl.signal.aborted) {
    setLive(attempt++ === 0 ? 'connecting' : 'reconnecting');
    try {
      const res = await fetch(`/v1/positions/stream?${query}`, {
        headers: { Authorization: `Bearer ${state.session.token}`, Accept: 'text/event-stream' },
        signal: ctl.signal, cache: 'no-store', credentials: 'omit',
      });
      if (res.status === 401) { expireSession(); return; }
      if (res.status === 404 || res.status === 405) { await pollLoop(ctl, gen); return; }
      if ([400, 403, 422].includes(res.status)) {            // asking again would not help
        setLive('off');
        showAppError(`Live updates refused by the server (HTTP ${res.status}).`);
        return;
      }
      if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
      setLive('connected');
      await readEvents(res.body, (ev) => {
        if (ev.type !== 'positions' || gen !== state.gen || ctl.signal.aborted) return;
        delay = 1000;
        applyBook(JSON.parse(ev.data), 'live');
      }, STREAM_IDLE_MS);
    } catch (e) {
      if (ctl.signal.aborted) return;
      console.warn('positions stream:', e);
    }
    if (ctl.signal.aborted) return;
    setLive('reconnecting');
    await sleep(delay * (0.75 + Math.random() * 0.5), ctl.signal);
    delay = Math.min(delay * 2, STREAM_MAX_BACKOFF_MS);
  }
}

async function pollLoop(ctl, gen) {
  setLive('polling');
  while (!ctl.signal.aborted) {
    await sleep(POLL_MS, ctl.signal);
    if (ctl.signal.aborted || gen !== state.gen) return;
    try {
      applyBook(await api(`/v1/positions?${bookQuery()}`), 'live');
    } catch (e) {
      if (isAbort(e)) return;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Participants table
// ---------------------------------------------------------------------------------------------

function buildModel(book) {
  const own = isMember() ? state.session.participant : null;
  const mine = (r) => !own || r.participant === own;
  const totals = (book.totals || []).filter(mine);
  const reporting = Array.isArray(book.reporting) ? book.reporting.filter(mine) : null;
  const rc = book.reporting_currency || reporting?.[0]?.currency || null;
  const hasReporting = reporting !== null && rc !== null;
  const ccys = [...new Set(totals.map((t) => t.currency))].sort();
  const byP = new Map();
  const get = (p) => {
    if (!byP.has(p)) byP.set(p, { participant: p, totals: new Map(), reporting: null });
    return byP.get(p);
  };
  for (const t of totals) get(t.participant).totals.set(t.currency, t);
  for (const r of reporting || []) get(r.participant).reporting = r;
  let venueGross = 0n;
  let missing = 0;
  const rows = [...byP.values()];
  for (const row of rows) {
    const r = row.reporting;
    row.rGross = r && r.gross_notional !== null && r.gross_notional !== undefined ? parseDecimal(r.gross_notional) : null;
    if (hasReporting) {
      if (row.rGross === null) missing++;
      else venueGross += row.rGross;
    }
    let trades = 0n;
    for (const t of row.totals.values()) trades += BigInt(t.trade_count);
    row.trades = r ? BigInt(r.trade_count) : trades;
    if (r && r.direction) row.direction = r.direction;
    else if (row.totals.size === 1) row.direction = [...row.totals.values()][0].direction;
    else if (!hasReporting) row.direction = [...row.totals.values()].map((t) => `${t.direction} ${t.currency}`).join(' · ');
    else row.direction = null;
  }
  for (const row of rows) row.share = row.rGross === null ? null : percentText(row.rGross, venueGross);
  return { ccys, rc, hasReporting, rows, venueGross, missing, showShare: hasReporting && !isMember() };
}

function buildColumns(model) {
  const cols = [{ key: 'participant', label: 'Participant', type: 'text', group: null }];
  for (const c of model.ccys) {
    cols.push({ key: `net:${c}`, label: 'Net', group: c, type: 'num' },
              { key: `gross:${c}`, label: 'Gross', group: c, type: 'num' });
  }
  if (model.hasReporting) {
    const g = `${model.rc} (reporting)`;
    cols.push({ key: 'rnet', label: 'Net', group: g, type: 'num' }, { key: 'rgross', label: 'Gross', group: g, type: 'num' });
  }
  cols.push({ key: 'direction', label: 'Direction', type: 'text', group: null },
            { key: 'trades', label: 'Trades', type: 'num', group: null });
  if (model.showShare) cols.push({ key: 'share', label: 'Share of venue gross', type: 'num', group: null });
  return cols;
}

function cellOf(row, col) {
  const k = col.key;
  if (k === 'participant') return { text: row.participant, sort: row.participant };
  if (k.startsWith('net:') || k.startsWith('gross:')) {
    const [field, ccy] = k.split(':');
    const t = row.totals.get(ccy);
    if (!t) return { text: '—', sort: null, cls: 'none' };
    const v = t[`${field}_notional`];
    return { text: money(v), sort: parseDecimal(v), cls: field === 'net' ? signClass(v) : '' };
  }
  if (k === 'rnet' || k === 'rgross') {
    const r = row.reporting;
    if (!r) return { text: '—', sort: null, cls: 'none' };
    const v = k === 'rnet' ? r.net_notional : r.gross_notional;
    if (v === null || v === undefined) {
      const ccys = (r.missing_rates || []).join(', ');
      return { text: `missing rate: ${ccys || '?'}`, sort: null, cls: 'missing' };
    }
    return { text: money(v), sort: parseDecimal(v), cls: k === 'rnet' ? signClass(v) : '' };
  }
  if (k === 'direction') {
    if (!row.direction) return { text: 'n/a', sort: null, cls: 'missing' };   // by a reporting net not known
    return { text: row.direction, sort: row.direction, cls: directionClass(row.direction) };
  }
  if (k === 'trades') return { text: row.trades.toString(), sort: row.trades };
  if (k === 'share') {
    return row.share === null ? { text: '—', sort: null, cls: 'none' } : { text: `${row.share} %`, sort: row.rGross };
  }
  return { text: '', sort: null };
}

function defaultSort(model) {
  if (model.hasReporting) return { key: 'rgross', dir: 'descending' };
  if (model.ccys.length) return { key: `gross:${model.ccys[0]}`, dir: 'descending' };
  return { key: 'participant', dir: 'ascending' };
}

function compareCells(a, b, dir) {
  if (a.sort === null && b.sort === null) return 0;
  if (a.sort === null) return 1;                    // empty cells last, whichever the direction
  if (b.sort === null) return -1;
  const c = typeof a.sort === 'string' ? a.sort.localeCompare(b.sort) : (a.sort < b.sort ? -1 : a.sort > b.sort ? 1 : 0);
  return dir === 'ascending' ? c : -c;
}

function renderHead(cols) {
  const table = $('participants');
  table.querySelectorAll('colgroup').forEach((c) => c.remove());
  const thead = table.tHead;
  const grouped = cols.some((c) => c.group);
  const top = h('tr');
  const sub = h('tr');
  const colgroups = [];
  for (let i = 0; i < cols.length; i++) {
    const c = cols[i];
    if (!c.group) {
      colgroups.push(h('colgroup', { span: 1 }));
      top.append(sortHeader(c, grouped ? { rowspan: 2 } : {}));
    } else if (i === 0 || cols[i - 1].group !== c.group) {
      const span = cols.filter((x) => x.group === c.group).length;
      colgroups.push(h('colgroup', { span }));
      top.append(h('th', { scope: 'colgroup', colspan: span, class: 'group' }, c.group));
    }
    if (c.group) sub.append(sortHeader(c));
  }
  for (const cg of colgroups) table.insertBefore(cg, thead);
  thead.replaceChildren(top, ...(grouped ? [sub] : []));
}

function sortHeader(col, extra = {}) {
  const label = col.group ? [col.label, h('span', { class: 'visually-hidden' }, ` ${col.group}`)] : [col.label];
  const button = h('button', { type: 'button', class: 'sort', 'data-key': col.key },
                   ...label, h('span', { class: 'sort-icon', 'aria-hidden': 'true' }));
  return h('th', { scope: 'col', class: col.type === 'num' ? 'num' : '', 'data-key': col.key, ...extra }, button);
}

function updateSortHeaders() {
  for (const th of $('participants').tHead.querySelectorAll('th[data-key]')) {
    const active = th.dataset.key === state.sort.key;
    if (active) th.setAttribute('aria-sort', state.sort.dir);
    else th.removeAttribute('aria-sort');
    th.querySelector('.sort-icon').textContent = active ? (state.sort.dir === 'ascending' ? '▲' : '▼') : '';
  }
}

function onSortClick(ev) {
  const button = ev.target.closest('button.sort');
  if (!button) return;
  const key = button.dataset.key;
  const col = state.columns.find((c) => c.key === key);
  if (state.sort?.key === key) {
    state.sort = { key, dir: state.sort.dir === 'ascending' ? 'descending' : 'ascending' };
  } else {
    state.sort = { key, dir: col?.type === 'text' ? 'ascending' : 'descending' };
  }
  updateSortHeaders();
  renderRows(false);
  renderCaption();
}

function renderBook(sameDate) {
  const model = buildModel(state.book);
  state.model = model;
  const cols = buildColumns(model);
  const key = cols.map((c) => c.key).join('|');
  let flash = sameDate;
  if (key !== state.columnsKey) {
    state.columnsKey = key;
    state.columns = cols;
    renderHead(cols);
    $('participants').tBodies[0].replaceChildren();
    state.rows.clear();
    flash = false;
  }
  if (!state.sort || !cols.some((c) => c.key === state.sort.key)) state.sort = defaultSort(model);
  updateSortHeaders();
  renderRows(flash);
  renderFoot();
  renderCaption();
}

function renderCaption() {
  const m = state.model;
  const b = state.book;
  const col = state.columns.find((c) => c.key === state.sort.key);
  const sortText = col ? `Sorted by ${col.group ? `${col.label} ${col.group}` : col.label}, ${state.sort.dir}.` : '';
  $('participants-caption').textContent = isMember()
    ? `Live positions of ${state.session.participant} on ${b.business_date}: net and gross notional per currency${m.hasReporting ? ` and in ${m.rc}` : ''}. ${sortText}`
    : `Live positions on ${b.business_date}: net and gross notional per currency${m.hasReporting ? ` and in the reporting currency; share of the venue's gross in ${m.rc}` : ''}. ${sortText}`;
  const notes = [];
  if (!m.hasReporting) notes.push('This server sends no reporting-currency values with the positions: no totals across currencies and no shares are shown.');
  if (m.missing && m.showShare) {
    notes.push(`${m.missing} participant${m.missing === 1 ? ' has' : 's have'} a currency without an FX rate for this date: ${m.missing === 1 ? 'its' : 'their'} reporting value is not known, and the shares are of the other participants' gross.`);
  }
  $('participants-note').textContent = notes.join(' ');
}

function createRow(participant) {
  const button = h('button', { type: 'button', class: 'row-open', 'aria-expanded': 'false', 'aria-controls': 'detail' }, participant);
  const cells = [h('th', { scope: 'row' }, button)];
  for (const c of state.columns.slice(1)) cells.push(h('td', { class: c.type === 'num' ? 'num' : '', 'data-col': c.key }));
  const tr = h('tr', { 'data-participant': participant }, ...cells);
  return { tr, button, cells };
}

function setCell(td, cell, col, flash) {
  const base = [col.type === 'num' ? 'num' : '', cell.cls || ''].filter(Boolean).join(' ');
  if (td.textContent !== cell.text) {
    td.textContent = cell.text;
    td.className = base;
    if (flash) {
      void td.offsetWidth;                                // restart the animation
      td.classList.add('flash');
    }
  } else if (td.className.replace(/\s*flash\b/, '') !== base) {
    td.className = base + (td.classList.contains('flash') ? ' flash' : '');
  }
}

function renderRows(flash) {
  const tbody = $('participants').tBodies[0];
  const cols = state.columns;
  const f = state.filter.trim().toLowerCase();
  const rows = state.model.rows
    .filter((r) => !f || r.participant.toLowerCase().includes(f))
    .map((r) => ({ r, cells: cols.map((c) => cellOf(r, c)) }));
  const si = Math.max(0, cols.findIndex((c) => c.key === state.sort.key));
  rows.sort((a, b) => compareCells(a.cells[si], b.cells[si], state.sort.dir) ||
                      a.r.participant.localeCompare(b.r.participant));
  tbody.querySelector('tr.empty')?.remove();
  const keep = new Set(rows.map((x) => x.r.participant));
  for (const [p, e] of state.rows) {
    if (!keep.has(p)) { e.tr.remove(); state.rows.delete(p); }
  }
  const wanted = [];
  for (const { r, cells } of rows) {
    let entry = state.rows.get(r.participant);
    const fresh = !entry;
    if (fresh) {
      entry = createRow(r.participant);
      state.rows.set(r.participant, entry);
    }
    for (let i = 1; i < cols.length; i++) setCell(entry.cells[i], cells[i], cols[i], flash && !fresh);
    const selected = state.selected === r.participant;
    entry.tr.classList.toggle('selected', selected);
    entry.button.setAttribute('aria-expanded', String(selected));
    wanted.push(entry.tr);
  }
  const current = [...tbody.children];
  if (current.length !== wanted.length || current.some((tr, i) => tr !== wanted[i])) {
    const focused = document.activeElement;
    const hadFocus = tbody.contains(focused);
    tbody.append(...wanted);
    if (hadFocus && document.activeElement !== focused) focused.focus({ preventScroll: true });
  }
  if (!rows.length) {
    const text = state.model.rows.length ? 'No participant matches the filter.' : 'No positions on this date.';
    tbody.append(h('tr', { class: 'empty' }, h('td', { colspan: cols.length }, text)));
  }
}

function renderFoot() {
  const tfoot = $('participants').tFoot;
  const m = state.model;
  if (isMember() || m.rows.length < 2) { tfoot.replaceChildren(); return; }
  const cells = [h('th', { scope: 'row' }, 'All participants')];
  for (const c of state.columns.slice(1)) {
    let text = '';
    if (c.key.startsWith('net:') || c.key.startsWith('gross:')) {
      const [field, ccy] = c.key.split(':');
      let s = 0n;
      for (const r of m.rows) { const t = r.totals.get(ccy); if (t) s += parseDecimal(t[`${field}_notional`]); }
      text = formatScaled(s);
    } else if (c.key === 'rnet' || c.key === 'rgross') {
      if (m.missing) text = 'incomplete';            // the note under the table says why
      else {
        let s = 0n;
        for (const r of m.rows) s += parseDecimal(c.key === 'rnet' ? r.reporting.net_notional : r.reporting.gross_notional);
        text = formatScaled(s);
      }
    } else if (c.key === 'trades') {
      text = m.rows.reduce((s, r) => s + r.trades, 0n).toString();
    } else if (c.key === 'share') {
      text = m.venueGross > 0n ? '100.00 %' : '—';
    }
    cells.push(h('td', { class: c.type === 'num' ? 'num' : '' }, text));
  }
  tfoot.replaceChildren(h('tr', {}, ...cells));
}

// ---------------------------------------------------------------------------------------------
// Drill-down: a participant's instruments, counterparties and exposure through the day
// ---------------------------------------------------------------------------------------------

function onRowActivate(ev) {
  const tr = ev.target.closest('tr[data-participant]');
  if (!tr) return;
  if (ev.target.closest('button') && !ev.target.closest('button.row-open')) return;
  const p = tr.dataset.participant;
  if (state.selected === p && ev.target.closest('button.row-open')) { closeDetail(); return; }
  openDetail(p, { focus: true });
}

function closeDetail() {
  const p = state.selected;
  state.selected = null;
  state.detail = null;
  destroyChart();
  $('detail').hidden = true;
  for (const [q, e] of state.rows) {
    e.tr.classList.remove('selected');
    e.button.setAttribute('aria-expanded', 'false');
    if (q === p) e.button.focus();
  }
}

function openDetail(participant, { focus }) {
  if (isMember() && participant !== state.session.participant) return;   // never ask for another
  if (!state.book) return;
  const date = state.book.business_date;
  state.selected = participant;
  const seq = ++state.detailSeq;
  state.detail = { participant, date, points: null, seq };
  for (const [q, e] of state.rows) {
    e.tr.classList.toggle('selected', q === participant);
    e.button.setAttribute('aria-expanded', String(q === participant));
  }
  $('detail').hidden = false;
  $('detail-title').textContent = `${participant} on ${date}`;
  $('instruments-caption').textContent = `Live positions of ${participant} per instrument and currency`;
  $('instruments').tBodies[0].replaceChildren(h('tr', {}, h('td', { colspan: 11 }, 'Loading…')));
  $('counterparties-message').textContent = 'Loading…';
  $('counterparties').hidden = true;
  $('chart-message').textContent = 'Loading…';
  $('chart-caption').textContent = `Net exposure of ${participant} through ${date}`;
  $('chart-table').tBodies[0].replaceChildren();
  destroyChart();
  if (focus) $('detail-title').focus();
  loadInstruments(participant, date, seq);
  loadDetailRuns();
}

const detailCurrent = (seq) => state.detail && state.detail.seq === seq && state.session;

async function loadInstruments(participant, date, seq) {
  try {
    const res = await api(`/v1/positions?${bookQuery({ business_date: date, participant })}`);
    if (!detailCurrent(seq)) return;
    renderInstruments(res.positions.filter((p) => p.participant === participant));
  } catch (e) {
    if (isAbort(e) || !detailCurrent(seq)) return;
    $('instruments').tBodies[0].replaceChildren(h('tr', {}, h('td', { colspan: 11, class: 'error' }, describeError(e))));
  }
}

function renderInstruments(positions) {
  const rows = [...positions].sort((a, b) => {
    const x = parseDecimal(a.gross_notional);
    const y = parseDecimal(b.gross_notional);
    return x > y ? -1 : x < y ? 1 : a.instrument.localeCompare(b.instrument) || a.currency.localeCompare(b.currency);
  });
  const tbody = $('instruments').tBodies[0];
  if (!rows.length) {
    tbody.replaceChildren(h('tr', {}, h('td', { colspan: 11 }, 'No positions on this date.')));
    return;
  }
  tbody.replaceChildren(...rows.map((p) => h('tr', {},
    h('th', { scope: 'row' }, p.instrument),
    h('td', {}, p.currency),
    h('td', { class: 'num' }, String(p.buy_quantity)),
    h('td', { class: 'num' }, String(p.sell_quantity)),
    h('td', { class: `num ${p.net_quantity < 0 ? 'neg' : ''}` }, String(p.net_quantity)),
    h('td', { class: `num ${signClass(p.net_notional)}` }, money(p.net_notional)),
    h('td', { class: 'num' }, money(p.gross_notional)),
    h('td', { class: 'num' }, p.buy_vwap === null ? '—' : formatDecimal(p.buy_vwap)),
    h('td', { class: 'num' }, p.sell_vwap === null ? '—' : formatDecimal(p.sell_vwap)),
    h('td', { class: directionClass(p.direction) }, p.direction),
    h('td', { class: 'num' }, String(p.trade_count)))));
}

function updateDetailFromBook() {
  const d = state.detail;
  if (!d || d.date !== state.book.business_date) return;
  // The stream carries the positions of every participant it covers: no request needed.
  renderInstruments((state.book.positions || []).filter((p) => p.participant === d.participant));
  if (d.points) renderChart();
}

async function loadDetailRuns() {
  const d = state.detail;
  if (!d) return;
  const { participant, date, seq } = d;
  const q = bookQuery({ business_date: date, participant });
  const [cp, hist] = await Promise.allSettled([
    api(`/v1/exposures?${q}&level=counterparty`),
    api(`/v1/exposures/history?${q}`),
  ]);
  if (!detailCurrent(seq)) return;
  if (cp.status === 'fulfilled') renderCounterparties(cp.value);
  else if (!isAbort(cp.reason)) {
    $('counterparties').hidden = true;
    $('counterparties-message').textContent = cp.reason.status === 404
      ? `No aggregation run yet for ${date}: counterparty exposures come from aggregation runs.`
      : `Counterparties could not be loaded: ${describeError(cp.reason)}`;
  }
  if (hist.status === 'fulfilled') {
    state.detail.points = hist.value.points || [];
    renderChart();
  } else if (!isAbort(hist.reason)) {
    state.detail.points = [];
    renderChart(`History could not be loaded: ${describeError(hist.reason)}`);
  }
}

function runLabel(run) {
  return `${run.kind}${run.kind === 'eod' ? ` v${run.version}` : ''} run ${run.run_id}`;
}

function renderCounterparties(res) {
  const rows = [...(res.exposures || [])].sort((a, b) => {
    const x = parseDecimal(a.gross_notional);
    const y = parseDecimal(b.gross_notional);
    return x > y ? -1 : x < y ? 1 : a.counterparty.localeCompare(b.counterparty);
  });
  const run = res.run || {};
  $('counterparties-message').textContent = rows.length ? '' : 'No counterparty exposure in the newest run.';
  $('counterparties-caption').textContent =
    `From the ${runLabel(run)} (finished ${utcTime(run.finished_at)} UTC, trades up to seq ${run.watermark}${run.stale ? '; stale: late trades since' : ''})`;
  $('counterparties').tBodies[0].replaceChildren(...rows.map((r) => h('tr', {},
    h('th', { scope: 'row' }, r.counterparty),
    h('td', {}, r.currency),
    h('td', { class: `num ${signClass(r.net_notional)}` }, money(r.net_notional)),
    h('td', { class: 'num' }, money(r.gross_notional)),
    h('td', { class: directionClass(r.direction) }, r.direction || '—'),
    h('td', { class: 'num' }, String(r.trade_count)))));
  $('counterparties').hidden = rows.length === 0;
}

// The chart's series: the net notional of each run (its computed_at), then the live book now.
// In the reporting currency when the participant has reporting values, else in its first currency.
function chartSeries() {
  const d = state.detail;
  const p = d.participant;
  const m = state.model;
  const liveRow = m.rows.find((r) => r.participant === p);
  const pointRep = (pt) => (pt.reporting || []).find((r) => r.participant === p);
  const useReporting = (liveRow?.reporting && liveRow.reporting.net_notional !== null) ||
                       d.points.some((pt) => pointRep(pt)?.net_notional != null);
  let ccy;
  if (useReporting) ccy = m.rc || d.points.map(pointRep).find(Boolean)?.currency;
  else {
    const ccys = new Set(liveRow ? liveRow.totals.keys() : []);
    for (const pt of d.points) for (const t of pt.totals || []) if (t.participant === p) ccys.add(t.currency);
    ccy = [...ccys].sort()[0];
  }
  const valueOf = (rows) => {
    const r = rows.find((x) => x.participant === p && x.currency === ccy);
    if (!r) return '0';                                     // no trades yet: no exposure
    return r.net_notional;                                  // null: a rate is missing
  };
  const out = [];
  for (const pt of d.points) {
    const t = Date.parse(pt.computed_at);
    if (Number.isNaN(t)) continue;
    out.push({ t: t / 1000, kind: pt.kind, label: `${pt.kind}${pt.kind === 'eod' ? ` v${pt.version}` : ''} run ${pt.run_id}`,
               value: valueOf(useReporting ? pt.reporting || [] : pt.totals || []) });
  }
  out.sort((a, b) => a.t - b.t);
  let liveValue = '0';
  if (liveRow) {
    if (useReporting) liveValue = liveRow.reporting ? liveRow.reporting.net_notional : '0';
    else liveValue = liveRow.totals.get(ccy)?.net_notional ?? '0';
  }
  let now = Date.now() / 1000;
  if (out.length && now <= out[out.length - 1].t) now = out[out.length - 1].t + 1;
  out.push({ t: now, kind: 'live', label: `live book (watermark ${state.book.watermark})`, value: liveValue });
  return { ccy, useReporting, points: out };
}

function destroyChart() {
  state.chartObserver?.disconnect();
  state.chartObserver = null;
  state.chart?.destroy();
  state.chart = null;
  $('chart').replaceChildren();
}

// Tick labels of the time axis in UTC: HH:MM, with the date when the axis spans more than a day.
function timeLabels(splits) {
  const span = splits.length > 1 ? splits[splits.length - 1] - splits[0] : 0;
  return splits.map((s) => {
    const iso = new Date(s * 1000).toISOString();
    if (span > 86_400) return `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
    return span < 600 ? iso.slice(11, 19) : iso.slice(11, 16);
  });
}

let uPlotModule = null;
async function loadUPlot() {
  if (!uPlotModule) uPlotModule = import('/vendor/uplot/uPlot.esm.js').then((m) => m.default);
  return uPlotModule;
}

async function renderChart(message = '') {
  const d = state.detail;
  if (!d || !d.points) return;
  const seq = d.seq;
  const { ccy, useReporting, points } = chartSeries();
  // The exact values, as a table (also what a screen reader gets instead of the canvas).
  $('chart-table').tBodies[0].replaceChildren(...points.map((pt) => h('tr', { 'data-kind': pt.kind },
    h('td', {}, pt.kind === 'live' ? `${utcTime(new Date(pt.t * 1000).toISOString())} (now)` : utcTime(new Date(pt.t * 1000).toISOString())),
    h('th', { scope: 'row' }, pt.label),
    h('td', { class: 'num' }, pt.value === null ? 'missing rate' : `${money(pt.value)} ${ccy ?? ''}`))));
  const eods = points.filter((pt) => pt.kind === 'eod');
  const runs = points.length - 1;
  const notes = [];
  if (message) notes.push(message);
  notes.push(runs ? `${runs} aggregation run${runs === 1 ? '' : 's'} and the live book, net notional in ${ccy ?? '—'}${useReporting ? ' (reporting currency)' : ''}.`
                  : `No aggregation run yet for ${d.date}; the live book only.`);
  if (eods.length) {
    const e = eods[eods.length - 1];
    notes.push(`End of day (${e.label}): ${e.value === null ? 'missing rate' : `${money(e.value)} ${ccy}`}.`);
  }
  $('chart-message').textContent = notes.join(' ');
  $('chart-caption').textContent = `Net exposure of ${d.participant} through ${d.date} in ${ccy ?? '—'}`;

  let uPlot;
  try {
    uPlot = await loadUPlot();
  } catch {
    if (detailCurrent(seq)) $('chart-message').textContent += ' (The chart library could not be loaded.)';
    return;
  }
  if (!detailCurrent(seq)) return;
  // Number() here places points on the canvas; every text on the page comes from the exact strings.
  const xs = points.map((pt) => pt.t);
  const num = (v) => (v === null ? null : Number(v));
  const all = points.map((pt) => num(pt.value));
  const eod = points.map((pt) => (pt.kind === 'eod' ? num(pt.value) : null));
  const live = points.map((pt) => (pt.kind === 'live' ? num(pt.value) : null));
  const data = [xs, all, eod, live];
  const container = $('chart');
  container.dataset.points = String(points.length);
  if (state.chart) {
    state.chart.setData(data);
    return;
  }
  const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 2 });
  const plain = new Intl.NumberFormat('en', { maximumFractionDigits: 2 });
  const fmt = (u, v) => (v === null || v === undefined ? '—' : plain.format(v));
  const noPath = () => null;
  const opts = {
    width: Math.max(320, container.clientWidth || 600),
    height: 240,
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
    scales: { x: { time: true } },
    axes: [
      { stroke: '#1b1f24', grid: { stroke: '#e3e6ea' }, values: (u, splits) => timeLabels(splits),
        // ticks on whole seconds at least (a run's computed_at has microseconds)
        incrs: [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800] },
      { stroke: '#1b1f24', grid: { stroke: '#e3e6ea' }, size: 70, values: (u, vals) => vals.map((v) => compact.format(v)) },
    ],
    series: [
      { label: 'Time (UTC)' },
      { label: `Net ${ccy ?? ''}`, stroke: '#1f4fbf', width: 2, value: fmt, points: { show: true, size: 6 } },
      { label: 'End of day', stroke: '#b3261e', value: fmt, paths: noPath, points: { show: true, size: 12, fill: '#b3261e' } },
      { label: 'Live', stroke: '#0b6e2f', value: fmt, paths: noPath, points: { show: true, size: 11, fill: '#0b6e2f' } },
    ],
  };
  container.replaceChildren();
  state.chart = new uPlot(opts, data, container);
  state.chartObserver = new ResizeObserver(() => {
    const w = container.clientWidth;
    if (state.chart && w && Math.abs(w - state.chart.width) > 2) state.chart.setSize({ width: w, height: 240 });
  });
  state.chartObserver.observe(container);
}

// ---------------------------------------------------------------------------------------------
// Status panel: readiness, lake, aggregation runs
// ---------------------------------------------------------------------------------------------

function kv(dl, pairs) {
  dl.replaceChildren(...pairs.flatMap(([k, v, cls]) => [h('dt', {}, k), h('dd', { class: cls || '' }, v)]));
}

async function refreshStatus() {
  if (!state.session) return;
  const session = state.session;
  const [ready, lake, runs] = await Promise.allSettled([
    api('/readyz'),
    api('/v1/lake'),
    isMember() ? Promise.resolve(null) : api(`/v1/aggregations?limit=${RUNS_SHOWN}`),
  ]);
  if (state.session !== session) return;
  state.summary = [];
  renderHealth(ready);
  renderLake(lake);
  renderRuns(runs);
  $('status-summary-text').textContent = state.summary.join(' · ') || '…';
}

function renderHealth(res) {
  const dl = $('health');
  let body = res.status === 'fulfilled' ? res.value : res.reason?.body;
  if (res.status === 'rejected' && isAbort(res.reason)) return;
  if (!body || !body.checks) {
    const why = res.status === 'rejected' ? describeError(res.reason) : 'no answer';
    kv(dl, [['Service', res.reason?.status === 404 ? 'readiness not reported by this server' : `unknown: ${why}`, 'warn']]);
    state.summary.push('service: unknown');
    return;
  }
  const { store = {}, exporter = {} } = body.checks;
  const okText = (c) => (c.ok ? 'OK' : 'FAILING') + (c.detail ? `: ${c.detail}` : '');
  const pairs = [
    ['Service', body.status === 'ready' ? 'ready' : 'NOT READY', body.status === 'ready' ? 'ok' : 'bad'],
    ['Store', okText(store), store.ok ? 'ok' : 'bad'],
  ];
  if (body.checks.exporter) {
    const lag = [];
    if (exporter.lag_trades !== undefined && exporter.lag_trades !== null) lag.push(`${exporter.lag_trades} trades`);
    if (exporter.lag_seconds !== undefined && exporter.lag_seconds !== null) lag.push(`${exporter.lag_seconds} s`);
    pairs.push(['Lake exporter', okText(exporter), exporter.ok ? 'ok' : 'bad']);
    if (lag.length) pairs.push(['Exporter lag', lag.join(', ')]);
  }
  kv(dl, pairs);
  state.summary.push(body.status === 'ready' ? 'service ready' : 'service NOT READY');
}

function renderLake(res) {
  const dl = $('lake');
  if (res.status === 'rejected') {
    if (isAbort(res.reason)) return;
    kv(dl, [['Lake', res.reason.status === 404 ? 'this server runs without a lake' : describeError(res.reason), 'warn']]);
    return;
  }
  const l = res.value;
  if ('up_to_date' in l && !('watermark' in l)) {
    kv(dl, [['Your trades', l.up_to_date ? 'all in the lake' : 'some not in the lake yet', l.up_to_date ? 'ok' : 'warn']]);
    state.summary.push(l.up_to_date ? 'lake up to date' : 'lake behind');
    return;
  }
  const pairs = [
    ['Lake lag', `${l.lag_trades} trade${l.lag_trades === 1 ? '' : 's'}`, l.lag_trades === 0 ? 'ok' : 'warn'],
    ['Lake watermark', `${l.watermark} of ${l.store_last_seq}`],
    ['Last snapshot', l.snapshot ? `${utcTime(l.snapshot.committed_at)} UTC` : 'none yet'],
  ];
  if (l.last_error) pairs.push(['Last error', String(l.last_error), 'bad']);
  kv(dl, pairs);
  state.summary.push(`lake lag ${l.lag_trades} trade${l.lag_trades === 1 ? '' : 's'}`);
}

function reconciliationText(run) {
  const r = run.reconciliation;
  if (!r || run.status !== 'succeeded') return run.status === 'failed' ? '—' : 'pending';
  if (r.status === 'matched') return `matched: ${r.differences} differences`;
  if (r.status === 'pending') return 'pending';
  const details = state.runDetails.get(run.run_id);
  let text = `${r.differences} difference${r.differences === 1 ? '' : 's'}`;
  if (details?.length) {
    text += ': ' + details.slice(0, 3).map((x) =>
      `${x.level} ${x.participant}${x.key ? ` ${x.key}` : ''} ${x.currency} ${x.field} (lake ${x.lake}, book ${x.book})`).join('; ');
    if (r.differences > 3) text += '; …';
  }
  return text;
}

function renderRuns(res) {
  const table = $('runs');
  const msg = $('runs-message');
  if (isMember() || (res.status === 'rejected' && res.reason.status === 403)) {
    table.hidden = true;
    msg.textContent = 'Aggregation runs and their reconciliation are shown to risk and admin users only.';
    return;
  }
  if (res.status === 'rejected') {
    if (isAbort(res.reason)) return;
    table.hidden = true;
    msg.textContent = res.reason.status === 404 ? 'This server runs without a lake: no aggregation runs.'
                                                : `Runs could not be loaded: ${describeError(res.reason)}`;
    return;
  }
  const runs = res.value.runs || [];
  msg.textContent = runs.length ? '' : 'No aggregation run yet.';
  table.hidden = runs.length === 0;
  table.tBodies[0].replaceChildren(...runs.map((run) => {
    const rec = run.reconciliation?.status;
    const recCls = run.status !== 'succeeded' ? '' : rec === 'matched' ? 'ok' : rec === 'differences' ? 'bad' : '';
    let status = run.status;
    if (run.stale) status += `, stale (${run.missing_trades} late trade${run.missing_trades === 1 ? '' : 's'})`;
    if (run.status === 'failed' && run.error) status += `: ${run.error}`;
    return h('tr', { 'data-run': run.run_id },
      h('th', { scope: 'row' }, String(run.run_id)),
      h('td', {}, run.business_date),
      h('td', {}, `${run.kind}${run.kind === 'eod' ? ` v${run.version}` : ''}`),
      h('td', { class: run.status === 'failed' ? 'bad' : run.stale ? 'warn' : '' }, status),
      h('td', {}, utcTime(run.finished_at)),
      h('td', { class: 'num' }, String(run.trades ?? '—')),
      h('td', { class: recCls }, reconciliationText(run)));
  }));
  // Which fields differ: the list answer leaves the details out; fetch them once per run.
  for (const run of runs) {
    if (run.reconciliation?.status === 'differences' && !state.runDetails.has(run.run_id)) {
      state.runDetails.set(run.run_id, null);
      api(`/v1/aggregations/${run.run_id}`).then((full) => {
        state.runDetails.set(run.run_id, full.reconciliation?.details || []);
        const td = table.querySelector(`tr[data-run="${run.run_id}"] td:last-child`);
        if (td) td.textContent = reconciliationText(full);
      }).catch(() => state.runDetails.delete(run.run_id));
    }
  }
  const last = runs.find((r) => r.status === 'succeeded');
  if (last) {
    const rec = last.reconciliation?.status;
    state.summary.push(`run ${last.run_id} ${rec === 'differences' ? `${last.reconciliation.differences} DIFFERENCES` : rec || ''}`.trim());
  } else if (!runs.length) state.summary.push('no run yet');
  const newest = last?.run_id ?? null;
  if (newest !== state.newestRun) {
    const first = state.newestRun === null;
    state.newestRun = newest;
    if (!first && state.selected) loadDetailRuns();
  }
}

// ---------------------------------------------------------------------------------------------
// Wiring
// ---------------------------------------------------------------------------------------------

function init() {
  $('login-form').addEventListener('submit', onLogin);
  $('logout').addEventListener('click', () => logout('You have logged out.'));
  $('participants').tHead.addEventListener('click', onSortClick);
  $('participants').tBodies[0].addEventListener('click', onRowActivate);
  $('detail-close').addEventListener('click', closeDetail);
  $('detail').addEventListener('keydown', (ev) => { if (ev.key === 'Escape') closeDetail(); });
  $('filter').addEventListener('input', () => {
    state.filter = $('filter').value;
    if (state.model) renderRows(false);
  });
  $('business-date').addEventListener('change', () => {
    const v = $('business-date').value;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || v === state.date) return;
    state.date = v;
    reloadBook();
  });
  $('date-current').addEventListener('click', () => {
    state.date = null;
    reloadBook();
  });
  setLive('off');
  $('username').focus();
}

init();
