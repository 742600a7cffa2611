// Browser-test harness: runs the real `tradeagg serve` on a temporary data directory (as
// tests/system/conftest.py does: the port it prints, then /healthz), talks to its API with fetch,
// and launches Debian's chromium through playwright-core.
//
// The binary is build/tradeagg under the repository root, or $TRADEAGG_BIN. Screenshots go to
// tests/browser/artifacts/, or $TRADEAGG_ARTIFACTS_DIR.

import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { chromium } from 'playwright-core';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const ADMIN_PASSWORD = 'admin-secret-pw';
export const PASSWORD = 'correct-horse-1';
const LISTEN_RE = /listening on ([\d.]+):(\d+)/;

export function binaryPath() {
  return process.env.TRADEAGG_BIN || path.join(REPO_ROOT, 'build', 'tradeagg');
}

export function artifactsDir() {
  const dir = process.env.TRADEAGG_ARTIFACTS_DIR || path.join(REPO_ROOT, 'tests', 'browser', 'artifacts');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** A short unique suffix, so names never collide between test files. */
export function uniq(prefix) {
  return `${prefix}${randomBytes(3).toString('hex').toUpperCase()}`;
}

// --------------------------------------------------------------------------------------------
// The server
// --------------------------------------------------------------------------------------------

// Servers still running when this process exits (a failed `before`, an interrupt) are killed.
const running = new Set();
process.on('exit', () => {
  for (const s of running) s.proc?.kill('SIGKILL');
});

export class Server {
  constructor({ env = {}, name = 'server' } = {}) {
    this.name = name;
    this.env = env;
    this.dataDir = mkdtempSync(path.join(tmpdir(), 'tradeagg-browser-'));
    this.logPath = path.join(this.dataDir, 'server.log');
    this.proc = null;
    this.port = null;
    this.base = null;
    this.log = '';
  }

  async start(timeoutMs = 30_000) {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TRADEAGG_')));
    // The web assets of this checkout, whichever binary runs (TRADEAGG_BIN may live elsewhere).
    Object.assign(env, { TRADEAGG_ADMIN_PASSWORD: ADMIN_PASSWORD, TRADEAGG_MAX_PAST_DAYS: '0',
                         TRADEAGG_WEB_DIR: path.join(REPO_ROOT, 'web') }, this.env);
    // A restart listens on the port of the first start, so that pages can reconnect.
    const args = ['serve', '--data-dir', this.dataDir, '--listen', `127.0.0.1:${this.port ?? 0}`];
    this.listening = false;
    this.proc = spawn(binaryPath(), args, { cwd: this.dataDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(this);
    const logFile = createWriteStream(this.logPath, { flags: 'a' });
    let head = '';                         // this start's output until it listens
    const listening = new Promise((resolve, reject) => {
      const onData = (chunk) => {
        const text = chunk.toString();
        this.log += text;
        if (this.log.length > 200_000) this.log = this.log.slice(-100_000);
        logFile.write(text);
        if (this.listening) return;
        head += text;
        const m = LISTEN_RE.exec(head);
        if (m) {
          this.listening = true;
          this.port = Number(m[2]);
          this.base = `http://${m[1]}:${m[2]}`;
          resolve();
        }
      };
      this.proc.stdout.on('data', onData);
      this.proc.stderr.on('data', onData);
      this.proc.on('error', reject);
      this.proc.on('exit', (code) => {
        logFile.end();
        if (!this.listening) reject(new Error(`${this.name} exited with ${code} before listening:\n${this.tail()}`));
      });
    });
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), timeoutMs);
    try {
      await listening;
      await this.waitHealthy(Date.now() + timeoutMs);
    } finally {
      clearTimeout(timer);
    }
    return this;
  }

  async waitHealthy(deadline) {
    let last = null;
    while (Date.now() < deadline) {
      try {
        const r = await fetch(this.url('/healthz'));
        if (r.status === 200) return;
        last = `${r.status}`;
      } catch (e) {
        last = String(e);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`${this.name} never became healthy (last: ${last}):\n${this.tail()}`);
  }

  url(p) {
    return this.base + p;
  }

  tail(lines = 60) {
    return this.log.split('\n').slice(-lines).join('\n');
  }

  /** SIGTERM and wait (SIGKILL after 20 s); the data directory stays. */
  async terminate() {
    if (this.proc && this.proc.exitCode === null) {
      const exited = new Promise((r) => this.proc.once('exit', r));
      this.proc.kill('SIGTERM');
      const t = setTimeout(() => this.proc.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(t);
    }
  }

  async stop() {
    running.delete(this);
    await this.terminate();
    if (!process.env.TRADEAGG_KEEP_DATA) rmSync(this.dataDir, { recursive: true, force: true });
  }

  // -- the API -------------------------------------------------------------------------------

  /** fetch with a bearer token and a JSON body; returns {status, headers, json, text}. */
  async call(method, p, { token, body, headers = {} } = {}) {
    const h = { ...headers };
    if (token) h.Authorization = `Bearer ${token}`;
    if (body !== undefined) h['Content-Type'] = 'application/json';
    const r = await fetch(this.url(p), { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body),
                                         signal: AbortSignal.timeout(60_000) });
    const text = await r.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = null; }
    return { status: r.status, headers: r.headers, json, text };
  }

  async ok(method, p, opts, expected = [200, 201, 202, 204]) {
    const r = await this.call(method, p, opts);
    if (!expected.includes(r.status)) throw new Error(`${method} ${p}: ${r.status} ${r.text}`);
    return r.json;
  }

  async login(username, password) {
    return (await this.ok('POST', '/v1/auth/token', { body: { username, password } })).access_token;
  }

  async adminToken() {
    this._admin ??= await this.login('admin', ADMIN_PASSWORD);
    return this._admin;
  }

  /** Creates a user through the admin API; returns its credentials. */
  async createUser(role, participant = undefined, username = uniq(`${role}-`).toLowerCase()) {
    const body = { username, password: PASSWORD, role };
    if (participant) body.participant = participant;
    await this.ok('POST', '/v1/users', { token: await this.adminToken(), body }, [201]);
    return { username, password: PASSWORD, role, participant };
  }

  async submitTrades(trades) {
    return this.ok('POST', '/v1/trades', { token: await this.adminToken(), body: trades }, [200, 201]);
  }

  async positions(token, query = '') {
    return this.ok('GET', `/v1/positions${query}`, { token });
  }

  /** Requests an aggregation run and waits until it has finished; returns the run. */
  async runAggregation(businessDate, kind = 'intraday', timeoutMs = 30_000) {
    const token = await this.adminToken();
    const run = await this.ok('POST', '/v1/aggregations', { token, body: { business_date: businessDate, kind } }, [202]);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = await this.ok('GET', `/v1/aggregations/${run.run_id}`, { token });
      if (r.status === 'succeeded' || r.status === 'failed') return r;
      if (Date.now() > deadline) throw new Error(`run ${run.run_id} still ${r.status}`);
      await new Promise((res) => setTimeout(res, 100));
    }
  }
}

// --------------------------------------------------------------------------------------------
// Trades
// --------------------------------------------------------------------------------------------

/** ISIN check digit (Luhn over the letters as numbers, A=10 … Z=35), as conftest.py's make_isin. */
export function makeIsin(body) {
  const digits = [...body].map((c) => (/\d/.test(c) ? c : String(c.charCodeAt(0) - 55))).join('');
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) { d *= 2; if (d > 9) d -= 9; }
    sum += d;
  }
  return body + String((10 - (sum % 10)) % 10);
}

export const ISINS = ['US0378331005', 'GB0002634946', 'DE000BAY0017', 'US5949181045', 'NL0000009165'];

let tradeCounter = 0;
const tradePrefix = randomBytes(3).toString('hex').toUpperCase();
export function trade(fields) {
  tradeCounter += 1;
  return { trade_id: `BT-${tradePrefix}-${tradeCounter}`, side: 'BUY', quantity: 100, price: '10.5',
           currency: 'USD', instrument: ISINS[0], ...fields };
}

// --------------------------------------------------------------------------------------------
// The browser
// --------------------------------------------------------------------------------------------

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.TRADEAGG_CHROMIUM || '/usr/bin/chromium',
    // As root Chromium needs --no-sandbox; without the background-networking flags it keeps
    // trying to reach Google's services on a closed network.
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * A new page at 1366×768 that records every request it makes, every console error and every
 * Content-Security-Policy violation, and counts main-frame navigations.
 */
export async function newPage(browser) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  const rec = { requests: [], consoleErrors: [], pageErrors: [], navigations: 0 };
  page.on('request', (r) => rec.requests.push({ method: r.method(), url: r.url(), headers: r.headers() }));
  page.on('console', (m) => { if (m.type() === 'error') rec.consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => rec.pageErrors.push(String(e)));
  page.on('framenavigated', (f) => { if (f === page.mainFrame()) rec.navigations += 1; });
  return { context, page, rec };
}

export async function screenshot(page, name, { fullPage = true } = {}) {
  const file = path.join(artifactsDir(), `${name}.png`);
  await page.screenshot({ path: file, fullPage });
  return file;
}

/** Polls fn until it returns a truthy value (or throws the last error after timeoutMs). */
export async function eventually(fn, { timeoutMs = 15_000, intervalMs = 100, message = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = new Error(`${message}: still false`);
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw last;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export async function logIn(page, server, { username, password }) {
  await page.goto(server.url('/'));
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.locator('#app-view').waitFor({ state: 'visible' });
}

/** The participants table as the page shows it: [{participant, cells: {col: text}}]. */
export async function readParticipantsTable(page) {
  return page.$$eval('#participants tbody tr[data-participant]', (trs) => trs.map((tr) => ({
    participant: tr.dataset.participant,
    cells: Object.fromEntries([...tr.querySelectorAll('td[data-col]')].map((td) => [td.dataset.col, td.textContent])),
  })));
}

/** "1,234.50" → "1234.5", "-0.10" → "-0.1", "157230" → "157230": decimal text, comparable. */
export function canon(text) {
  let t = String(text).replace(/,/g, '');
  if (t.includes('.')) t = t.replace(/0+$/, '').replace(/\.$/, '');
  if (t === '-0') t = '0';
  return t;
}

export function readJson(p) {
  return JSON.parse(readFileSync(p, 'utf8'));
}

/**
 * Accessibility basics of what the page shows now: every form control has a label, every data
 * table a caption and scoped header cells, and every visible text a contrast of at least 4.5:1
 * against the background it is drawn on (WCAG AA). Returns the problems found.
 */
export async function accessibilityProblems(page) {
  return page.evaluate(() => {
    const problems = [];
    const visible = (e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
    for (const c of document.querySelectorAll('input, select, textarea')) {
      if (!visible(c) || c.type === 'hidden') continue;
      if (!c.labels?.length && !c.getAttribute('aria-label') && !c.getAttribute('aria-labelledby')) {
        problems.push(`unlabelled ${c.tagName.toLowerCase()}#${c.id}`);
      }
    }
    for (const t of document.querySelectorAll('main table')) {
      if (!visible(t) || t.closest('.chart')) continue;       // uPlot's legend is a table of its own
      if (!t.caption || !t.caption.textContent.trim()) problems.push(`table#${t.id} has no caption`);
      for (const th of t.querySelectorAll('th')) {
        if (!th.getAttribute('scope')) problems.push(`table#${t.id}: th "${th.textContent}" has no scope`);
      }
    }
    const rgba = (s) => {
      const m = s.match(/rgba?\(([^)]+)\)/);
      if (!m) return null;
      const [r, g, b, a = 1] = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
      return { r, g, b, a };
    };
    const lum = ({ r, g, b }) => {
      const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const background = (e) => {
      for (let n = e; n; n = n.parentElement) {
        const c = rgba(getComputedStyle(n).backgroundColor);
        if (c && c.a > 0) return c;
      }
      return { r: 255, g: 255, b: 255, a: 1 };
    };
    for (const e of document.querySelectorAll('body *')) {
      if (!visible(e) || e.closest('.chart, .visually-hidden, noscript')) continue;
      const text = [...e.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join('').trim();
      if (!text) continue;
      const fg = rgba(getComputedStyle(e).color);
      const bg = background(e);
      const [l1, l2] = [lum(fg), lum(bg)].sort((x, y) => y - x);
      const ratio = (l1 + 0.05) / (l2 + 0.05);
      if (ratio < 4.5) problems.push(`contrast ${ratio.toFixed(2)} < 4.5: "${text.slice(0, 40)}" (${e.tagName.toLowerCase()}.${e.className})`);
    }
    return problems;
  });
}
