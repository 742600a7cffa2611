// The risk dashboard in a real browser, as a risk user: the participants table against the API,
// live updates without a reload, sorting, filtering, the drill-down with its chart, logout.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Server, launchBrowser, newPage, logIn, screenshot, eventually, readParticipantsTable, canon, trade,
         ISINS, accessibilityProblems } from './harness.mjs';

let server;
let browser;
let risk;
let riskToken;
let date;
let page;
let rec;

before(async () => {
  server = await new Server({ name: 'dashboard' }).start();
  browser = await launchBrowser();
  risk = await server.createUser('risk');
  riskToken = await server.login(risk.username, risk.password);
  date = (await server.positions(riskToken)).business_date;
  const admin = await server.adminToken();
  // No GBP rate: GAMMA, which trades in GBP, has no reporting value.
  await server.ok('PUT', `/v1/fx-rates/${date}`, { token: admin, body: { rates: { EUR: '1.0843' } } });
  await server.submitTrades([
    trade({ participant: 'ALPHA', counterparty: 'BETA', instrument: ISINS[0], quantity: 100, price: '187.25' }),
    trade({ participant: 'ALPHA', counterparty: 'GAMMA', instrument: ISINS[1], side: 'SELL', quantity: 40, price: '12.345', currency: 'EUR' }),
    trade({ participant: 'ALPHA', counterparty: 'BETA', instrument: ISINS[2], quantity: 3, price: '0.10000001', currency: 'EUR' }),
    trade({ participant: 'BETA', counterparty: 'ALPHA', instrument: ISINS[0], side: 'SELL', quantity: 100, price: '187.25' }),
    trade({ participant: 'BETA', counterparty: 'GAMMA', instrument: ISINS[3], quantity: 2500, price: '410.5', currency: 'EUR' }),
    trade({ participant: 'GAMMA', counterparty: 'ALPHA', instrument: ISINS[4], quantity: 10, price: '99.99', currency: 'GBP' }),
    trade({ participant: 'GAMMA', counterparty: 'BETA', instrument: ISINS[4], side: 'SELL', quantity: 7, price: '1.5' }),
  ]);
  const run = await server.runAggregation(date, 'intraday');
  assert.equal(run.status, 'succeeded', JSON.stringify(run));
  ({ page, rec } = await newPage(browser));
  await logIn(page, server, risk);
  await page.locator('#participants tbody tr[data-participant]').first().waitFor();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Decimal text → BigInt in units of 10^-8. */
function units(text) {
  const [i, f = ''] = text.split('.');
  return BigInt(i) * 100000000n + BigInt(f.padEnd(8, '0')) * (text.startsWith('-') ? -1n : 1n);
}

/** The default order: reporting gross descending, the unknown ones (missing rate) last, by name. */
function assertDefaultOrder(book, shown) {
  const known = book.reporting.filter((r) => r.gross_notional !== null)
    .sort((a, b) => { const x = units(a.gross_notional); const y = units(b.gross_notional); return x > y ? -1 : x < y ? 1 : 0; })
    .map((r) => r.participant);
  const unknown = book.reporting.filter((r) => r.gross_notional === null).map((r) => r.participant).sort();
  assert.deepEqual(shown.map((r) => r.participant), [...known, ...unknown]);
}

/** The page's table must say exactly what GET /v1/positions says (and the share computed exactly). */
async function assertTableMatchesApi() {
  const book = await server.positions(riskToken);
  assert.ok(Array.isArray(book.reporting), 'GET /v1/positions has reporting rows');
  const shown = await readParticipantsTable(page);
  const participants = [...new Set(book.totals.map((t) => t.participant))].sort();
  assert.deepEqual(shown.map((r) => r.participant).sort(), participants);
  const rep = new Map(book.reporting.map((r) => [r.participant, r]));
  // Venue gross: the participants whose reporting gross is known, in units of 10^-8.
  let venue = 0n;
  for (const r of book.reporting) if (r.gross_notional !== null) venue += units(r.gross_notional);
  for (const row of shown) {
    const p = row.participant;
    for (const t of book.totals.filter((x) => x.participant === p)) {
      assert.equal(canon(row.cells[`net:${t.currency}`]), canon(t.net_notional), `${p} net ${t.currency}`);
      assert.equal(canon(row.cells[`gross:${t.currency}`]), canon(t.gross_notional), `${p} gross ${t.currency}`);
    }
    const r = rep.get(p);
    if (r.gross_notional === null) {
      assert.equal(row.cells.rnet, `missing rate: ${r.missing_rates.join(', ')}`);
      assert.equal(row.cells.rgross, `missing rate: ${r.missing_rates.join(', ')}`);
      assert.equal(row.cells.share, '—');
    } else {
      assert.equal(canon(row.cells.rnet), canon(r.net_notional), `${p} reporting net`);
      assert.equal(canon(row.cells.rgross), canon(r.gross_notional), `${p} reporting gross`);
      assert.equal(row.cells.direction, r.direction);
      // share = gross / venue, in hundredths of a percent, rounded half to even
      const n = units(r.gross_notional) * 10000n;
      let q = n / venue;
      const twice = (n % venue) * 2n;
      if (twice > venue || (twice === venue && q % 2n === 1n)) q += 1n;
      const s = q.toString().padStart(3, '0');
      assert.equal(row.cells.share, `${s.slice(0, -2)}.${s.slice(-2)} %`, `${p} share`);
    }
    assert.equal(row.cells.trades, String(r.trade_count));
  }
  return { book, shown };
}

test('the participants table is GET /v1/positions, biggest reporting gross first', async () => {
  await page.locator('#participants td[data-col="rgross"]').first().waitFor();
  const { book, shown } = await assertTableMatchesApi();
  assertDefaultOrder(book, shown);
  assert.equal(await page.getAttribute('#participants th[data-key="rgross"]', 'aria-sort'), 'descending');
  assert.match(await page.textContent('#participants caption'), new RegExp(date));
  assert.equal(await page.inputValue('#business-date'), date);
  assert.equal(await page.getAttribute('#live', 'data-state'), 'connected');
  assert.match(await page.textContent('#participants tbody tr[data-participant="GAMMA"] td[data-col="rnet"]'), /missing rate: GBP/);
  // The status panel: runs with reconciliation, lake lag.
  await page.locator('#runs tbody tr').first().waitFor();
  assert.match(await page.textContent('#runs tbody'), /matched: 0 differences/);
  assert.match(await page.textContent('#lake'), /Lake lag/);
  await screenshot(page, 'dashboard-risk-table');
});

test('sorting by header buttons and filtering', async () => {
  const sortButton = page.locator('#participants th[data-key="participant"] button');
  await sortButton.click();
  assert.equal(await page.getAttribute('#participants th[data-key="participant"]', 'aria-sort'), 'ascending');
  assert.equal(await page.getAttribute('#participants th[data-key="rgross"]', 'aria-sort'), null);
  let order = (await readParticipantsTable(page)).map((r) => r.participant);
  assert.deepEqual(order, [...order].sort());
  await sortButton.focus();
  await page.keyboard.press('Enter');                     // keyboard works too
  assert.equal(await page.getAttribute('#participants th[data-key="participant"]', 'aria-sort'), 'descending');
  order = (await readParticipantsTable(page)).map((r) => r.participant);
  assert.deepEqual(order, [...order].sort().reverse());
  await page.getByLabel('Filter participants').fill('alp');
  assert.deepEqual((await readParticipantsTable(page)).map((r) => r.participant), ['ALPHA']);
  await page.getByLabel('Filter participants').fill('');
  // Back to the default order for the next tests.
  const gross = page.locator('#participants th[data-key="rgross"] button');
  await gross.click();
  if (await page.getAttribute('#participants th[data-key="rgross"]', 'aria-sort') !== 'descending') await gross.click();
});

test('another business date, then back to the current one', async () => {
  const past = new Date(Date.parse(`${date}T00:00:00Z`) - 7 * 86_400_000).toISOString().slice(0, 10);
  const streamsBefore = rec.requests.filter((r) => r.url.includes('/v1/positions/stream')).length;
  await page.getByLabel('Business date').fill(past);
  await eventually(async () => /No positions on this date/.test(await page.textContent('#participants tbody')),
                   { message: 'the past date is empty' });
  assert.match(await page.textContent('#book-meta'), new RegExp(`Business date ${past} `));
  await eventually(() => rec.requests.some((r) => r.url.includes(`/v1/positions/stream?business_date=${past}`)),
                   { message: 'the stream follows the date' });
  await page.getByRole('button', { name: 'Current date' }).click();
  await page.locator('#participants tbody tr[data-participant]').first().waitFor();
  assert.equal(await page.inputValue('#business-date'), date);
  await eventually(async () => await page.getAttribute('#live', 'data-state') === 'connected');
  assert.ok(rec.requests.filter((r) => r.url.includes('/v1/positions/stream')).length >= streamsBefore + 2);
});

test('trades submitted through the API change the page without a reload', async () => {
  await page.evaluate(() => { window.__sameDocument = true; });
  const navigations = rec.navigations;
  const streamRequests = rec.requests.filter((r) => r.url.includes('/v1/positions/stream'));
  assert.ok(streamRequests.length >= 1, 'the page subscribed to /v1/positions/stream');
  assert.match(streamRequests[0].headers.authorization || '', /^Bearer /, 'the token goes in the header');
  assert.doesNotMatch(streamRequests[0].url, /token|eyJ/, 'never in the URL');
  const polledBefore = rec.requests.filter((r) => /\/v1\/positions\?(?!.*participant)/.test(r.url)).length;

  await server.submitTrades([
    trade({ participant: 'DELTA', counterparty: 'ALPHA', instrument: ISINS[1], quantity: 5000, price: '250' }),
    trade({ participant: 'ALPHA', counterparty: 'DELTA', instrument: ISINS[1], side: 'SELL', quantity: 5000, price: '250' }),
  ]);
  await eventually(async () => (await readParticipantsTable(page)).some((r) => r.participant === 'DELTA'),
                   { message: 'DELTA appears' });
  const { book, shown } = await eventually(() => assertTableMatchesApi(), { message: 'table matches the API' });
  assertDefaultOrder(book, shown);                        // re-sorted: DELTA and ALPHA now on top
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'the page was not reloaded');
  assert.equal(rec.navigations, navigations, 'no navigation');
  const polledAfter = rec.requests.filter((r) => /\/v1\/positions\?(?!.*participant)/.test(r.url)).length;
  assert.equal(polledAfter, polledBefore, 'the update came through the stream, not by asking again');
  assert.equal(await page.getAttribute('#live', 'data-state'), 'connected');
  assert.match(await page.textContent('#book-meta'), /watermark 9\b/);
  await screenshot(page, 'dashboard-live-update');
});

test('a participant opens with the keyboard: instruments, counterparties, chart; eod is marked', async () => {
  const button = page.locator('#participants tbody tr[data-participant="ALPHA"] button.row-open');
  await button.focus();
  await page.keyboard.press('Enter');
  await page.locator('#detail').waitFor({ state: 'visible' });
  assert.equal(await button.getAttribute('aria-expanded'), 'true');
  assert.match(await page.textContent('#detail-title'), /ALPHA/);

  const own = await server.positions(riskToken, '?participant=ALPHA');
  await eventually(async () => (await page.locator('#instruments tbody tr th').count()) === own.positions.length,
                   { message: 'instrument rows' });
  const rows = await page.$$eval('#instruments tbody tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
  const want = own.positions.map((p) => `${p.instrument} ${p.currency} ${canon(p.net_notional)}`).sort();
  assert.deepEqual(rows.map((r) => `${r[0]} ${r[1]} ${canon(r[5])}`).sort(), want);

  await page.locator('#counterparties').waitFor({ state: 'visible' });
  const cps = await page.$$eval('#counterparties tbody th', (ths) => ths.map((t) => t.textContent));
  assert.ok(cps.includes('BETA') && cps.includes('GAMMA'), cps.join());

  await page.locator('#chart canvas').first().waitFor();
  const history = await server.ok('GET', `/v1/exposures/history?participant=ALPHA&business_date=${date}`, { token: riskToken });
  await eventually(async () => (await page.locator('#chart-table tbody tr').count()) === history.points.length + 1,
                   { message: 'a chart point per run, and the live one' });
  assert.equal(await page.getAttribute('#chart', 'data-points'), String(history.points.length + 1));
  const liveText = await page.textContent('#chart-table tbody tr[data-kind="live"] td.num');
  const liveRep = (await server.positions(riskToken, '?participant=ALPHA')).reporting.find((r) => r.participant === 'ALPHA');
  assert.equal(canon(liveText.replace(/ [A-Z]{3}$/, '')), canon(liveRep.net_notional));
  assert.equal(await page.locator('#chart-table tbody tr[data-kind="eod"]').count(), 0);

  // An eod run of the day: the chart marks its value (picked up by the status poll, ≤ 10 s).
  const eod = await server.runAggregation(date, 'eod');
  assert.equal(eod.status, 'succeeded', JSON.stringify(eod));
  await page.locator('#chart-table tbody tr[data-kind="eod"]').waitFor({ state: 'attached', timeout: 25_000 });
  assert.match(await page.textContent('#chart-message'), /End of day \(eod v1 run \d+\)/);
  await page.locator('#detail').scrollIntoViewIfNeeded();
  await screenshot(page, 'dashboard-drilldown');
  assert.deepEqual(rec.pageErrors, []);
  assert.deepEqual(rec.consoleErrors.filter((e) => /Content.Security.Policy/i.test(e)), []);
});

test('accessible: labels, captions, scoped headers, contrast, keyboard focus, live region', async () => {
  await page.waitForTimeout(1800);                        // the cells' update highlight has faded
  assert.deepEqual(await accessibilityProblems(page), []);
  assert.equal(await page.getAttribute('#announcer', 'aria-live'), 'polite');
  // Readable at 1366×768: no table of the page needs scrolling sideways.
  const overflow = await page.$$eval('.table-wrap', (ws) => ws.filter((w) => w.scrollWidth > w.clientWidth + 1)
    .map((w) => `${w.querySelector('table').id} ${w.scrollWidth}/${w.clientWidth}`));
  assert.deepEqual(overflow, []);
  // Tab reaches the sort buttons and the participants, and focus is visible there.
  await page.locator('#filter').focus();
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => {
    const e = document.activeElement;
    const s = getComputedStyle(e);
    return { cls: e.className, outline: s.outlineStyle, width: s.outlineWidth };
  });
  assert.notEqual(focused.outline, 'none', JSON.stringify(focused));
  await page.locator('#participants tbody tr[data-participant="BETA"] button.row-open').focus();
  await page.keyboard.press('Space');
  await eventually(async () => /BETA/.test(await page.textContent('#detail-title')));
  await page.keyboard.press('Escape');
  await page.locator('#detail').waitFor({ state: 'hidden' });
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'BETA', 'focus returns to the row');
});

test('logout forgets the token and the data; nothing was ever stored in the browser', async () => {
  const stored = await page.evaluate(() => ({ local: localStorage.length, session: sessionStorage.length, cookie: document.cookie }));
  assert.deepEqual(stored, { local: 0, session: 0, cookie: '' });
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.locator('#login-view').waitFor({ state: 'visible' });
  assert.equal(await page.locator('#participants tbody tr').count(), 0);
  assert.equal(await page.getAttribute('#live', 'data-state'), 'off');
  const before = rec.requests.length;
  await page.waitForTimeout(1500);
  const late = rec.requests.slice(before).filter((r) => r.url.includes('/v1/'));
  assert.deepEqual(late.map((r) => r.url), [], 'no request after logout');
  // A wrong password is said clearly.
  await page.getByLabel('Username').fill(risk.username);
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await eventually(async () => /Wrong username or password/.test(await page.textContent('#login-error')));
  assert.deepEqual(await accessibilityProblems(page), []);
  // Too many failed log-ins of one username: 429, said with the time to wait.
  await page.getByLabel('Username').fill('nobody-at-all');
  let message = '';
  for (let i = 0; i < 8 && !/Too many failed log-ins/.test(message); i++) {
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('button', { name: 'Log in' }).waitFor();     // the button is back: answered
    await eventually(async () => (message = await page.textContent('#login-error')) !== '');
  }
  assert.match(message, /Too many failed log-ins .* Try again in \d+ seconds\./);
  await screenshot(page, 'dashboard-login-429');
});
