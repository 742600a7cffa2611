// The dashboard as a member: only its own participant is shown, the page never asks the API for
// another one, and the API refuses another one anyway.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Server, launchBrowser, newPage, logIn, screenshot, eventually, readParticipantsTable, canon, trade,
         ISINS } from './harness.mjs';

let server;
let browser;
let member;
let memberToken;
let date;
let page;
let rec;

before(async () => {
  server = await new Server({ name: 'member' }).start();
  browser = await launchBrowser();
  member = await server.createUser('member', 'ALPHA');
  memberToken = await server.login(member.username, member.password);
  const admin = await server.adminToken();
  date = (await server.positions(admin)).business_date;
  await server.ok('PUT', `/v1/fx-rates/${date}`, { token: admin, body: { rates: { EUR: '1.0843', GBP: '1.2675' } } });
  await server.submitTrades([
    trade({ participant: 'ALPHA', counterparty: 'BETA', instrument: ISINS[0], quantity: 100, price: '187.25' }),
    trade({ participant: 'ALPHA', counterparty: 'GAMMA', instrument: ISINS[1], side: 'SELL', quantity: 40, price: '12.345', currency: 'EUR' }),
    trade({ participant: 'BETA', counterparty: 'ALPHA', instrument: ISINS[0], side: 'SELL', quantity: 100, price: '187.25' }),
    trade({ participant: 'GAMMA', counterparty: 'BETA', instrument: ISINS[4], quantity: 10, price: '99.99', currency: 'GBP' }),
  ]);
  const run = await server.runAggregation(date, 'intraday');
  assert.equal(run.status, 'succeeded', JSON.stringify(run));
  ({ page, rec } = await newPage(browser));
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Every request the page sent to the API that names a participant names ALPHA. */
function assertOnlyOwnParticipantRequested() {
  const api = rec.requests.filter((r) => new URL(r.url).pathname.startsWith('/v1/'));
  assert.ok(api.length > 0);
  for (const r of api) {
    const u = new URL(r.url);
    const p = u.searchParams.get('participant');
    assert.ok(p === null || p === 'ALPHA', `${r.method} ${r.url} asks for another participant`);
    if (/^\/v1\/(positions|exposures)/.test(u.pathname)) {
      assert.equal(p, 'ALPHA', `${r.method} ${r.url} must name the member's own participant`);
    }
    assert.doesNotMatch(u.pathname, /^\/v1\/(aggregations|users|trades)/, `${r.url}: not for members`);
  }
  return api;
}

test('a member sees only its own participant, with its instruments, counterparties and chart', async () => {
  await logIn(page, server, member);
  await page.locator('#participants tbody tr[data-participant]').first().waitFor();
  await page.locator('#participants td[data-col="rgross"]').first().waitFor();
  const shown = await readParticipantsTable(page);
  assert.deepEqual(shown.map((r) => r.participant), ['ALPHA']);
  const own = await server.positions(memberToken);
  const rep = own.reporting.find((r) => r.participant === 'ALPHA');
  assert.equal(canon(shown[0].cells.rgross), canon(rep.gross_notional));
  assert.equal(canon(shown[0].cells['net:USD']), canon(own.totals.find((t) => t.currency === 'USD').net_notional));
  assert.equal(shown[0].cells.share, undefined, 'no share of a venue a member cannot see');
  assert.equal(await page.locator('#filter-field').isVisible(), false);
  assert.match(await page.textContent('#who'), /member of ALPHA/);

  await page.locator('#participants tbody tr[data-participant="ALPHA"] td[data-col="trades"]').click();
  await page.locator('#detail').waitFor({ state: 'visible' });
  await eventually(async () => (await page.locator('#instruments tbody tr th').count()) === own.positions.length);
  await page.locator('#counterparties').waitFor({ state: 'visible' });
  await page.locator('#chart canvas').first().waitFor();
  await eventually(async () => (await page.locator('#chart-table tbody tr').count()) >= 2);

  // The reduced status panel: no runs (403 for members), the member's own lake state.
  await eventually(async () => /risk and admin users only/.test(await page.textContent('#runs-message')));
  await eventually(async () => /Your trades/.test(await page.textContent('#lake')));
  await eventually(async () => /Service/.test(await page.textContent('#health')));
  assert.equal(await page.getAttribute('#live', 'data-state'), 'connected');
  assertOnlyOwnParticipantRequested();
  await screenshot(page, 'dashboard-member');
});

test("another participant's trades never reach the member's page; its own do, live", async () => {
  await page.evaluate(() => { window.__sameDocument = true; });
  await server.submitTrades([
    trade({ participant: 'BETA', counterparty: 'GAMMA', instrument: ISINS[2], quantity: 7, price: '3' }),
    trade({ participant: 'DELTA', counterparty: 'GAMMA', instrument: ISINS[2], quantity: 7, price: '3' }),
  ]);
  await server.submitTrades([
    trade({ participant: 'ALPHA', counterparty: 'DELTA', instrument: ISINS[3], quantity: 1000, price: '2.5' }),
  ]);
  const own = await server.positions(memberToken);
  const want = canon(own.reporting.find((r) => r.participant === 'ALPHA').gross_notional);
  await eventually(async () => canon((await readParticipantsTable(page))[0].cells.rgross) === want,
                   { message: 'ALPHA updated live' });
  assert.deepEqual((await readParticipantsTable(page)).map((r) => r.participant), ['ALPHA']);
  await eventually(async () => (await page.locator('#instruments tbody tr th').count()) === own.positions.length,
                   { message: 'instruments updated live' });
  assert.equal(await page.evaluate(() => window.__sameDocument), true);
  const text = await page.textContent('body');
  for (const other of ['BETA', 'GAMMA', 'DELTA']) {
    // Counterparties of ALPHA's trades may be named as such, but never get a row of their own.
    assert.equal(await page.locator(`#participants tr[data-participant="${other}"]`).count(), 0, other);
  }
  assert.ok(text.includes('ALPHA'));
  assertOnlyOwnParticipantRequested();
});

test('the API refuses the member any other participant (403)', async () => {
  for (const path of [
    '/v1/positions?participant=BETA',
    '/v1/positions/stream?participant=BETA',
    '/v1/exposures?participant=BETA',
    '/v1/exposures?participant=BETA&level=counterparty',
    `/v1/exposures/history?participant=BETA&business_date=${date}`,
    '/v1/aggregations',
  ]) {
    const r = await server.call('GET', path, { token: memberToken });
    assert.equal(r.status, 403, `${path}: ${r.status} ${r.text.slice(0, 200)}`);
  }
  // And the page's own requests, replayed with the member's token, are all allowed.
  const replay = rec.requests.filter((r) => r.method === 'GET' && /^\/v1\/(positions\?|exposures)/.test(new URL(r.url).pathname + new URL(r.url).search));
  for (const r of replay) {
    const u = new URL(r.url);
    const res = await server.call('GET', u.pathname + u.search, { token: memberToken });
    assert.ok([200, 404].includes(res.status), `${u.pathname}${u.search}: ${res.status}`);
  }
});
