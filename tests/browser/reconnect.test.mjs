// The live stream survives a server restart (the page reconnects with backoff, no reload), and a
// session whose token stops working (its user deleted) ends in the log-in form.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Server, launchBrowser, newPage, logIn, screenshot, eventually, readParticipantsTable, canon, trade,
         ISINS } from './harness.mjs';

let server;
let browser;
let risk;
let page;
let rec;

before(async () => {
  server = await new Server({ name: 'reconnect' }).start();
  browser = await launchBrowser();
  risk = await server.createUser('risk');
  await server.submitTrades([trade({ participant: 'ALPHA', counterparty: 'BETA', instrument: ISINS[0] })]);
  ({ page, rec } = await newPage(browser));
  await logIn(page, server, risk);
  await page.locator('#participants tbody tr[data-participant="ALPHA"]').waitFor();
  await eventually(async () => await page.getAttribute('#live', 'data-state') === 'connected');
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('the stream reconnects after a server restart, and updates resume without a reload', async () => {
  await page.evaluate(() => { window.__sameDocument = true; });
  const navigations = rec.navigations;
  await server.terminate();
  await eventually(async () => await page.getAttribute('#live', 'data-state') === 'reconnecting',
                   { message: 'the indicator says reconnecting' });
  await screenshot(page, 'dashboard-reconnecting', { fullPage: false });
  await server.start();                                   // same port, same data
  await eventually(async () => await page.getAttribute('#live', 'data-state') === 'connected',
                   { timeoutMs: 40_000, message: 'connected again' });
  await server.submitTrades([trade({ participant: 'BETA', counterparty: 'ALPHA', instrument: ISINS[1], quantity: 7, price: '1.25' })]);
  const token = await server.login(risk.username, risk.password);
  const beta = (await server.positions(token)).totals.find((t) => t.participant === 'BETA');
  await eventually(async () => {
    const row = (await readParticipantsTable(page)).find((r) => r.participant === 'BETA');
    return row && canon(row.cells['gross:USD']) === canon(beta.gross_notional);
  }, { message: 'BETA arrives through the new stream' });
  assert.equal(await page.evaluate(() => window.__sameDocument), true);
  assert.equal(rec.navigations, navigations);
});

test('a session whose user is deleted ends in the log-in form', async () => {
  await server.ok('DELETE', `/v1/users/${risk.username}`, { token: await server.adminToken() }, [204]);
  // The next request of the page (the status panel's, every 10 s) gets 401.
  await page.locator('#login-view').waitFor({ state: 'visible', timeout: 25_000 });
  assert.match(await page.textContent('#login-error'), /session has ended/);
  assert.equal(await page.locator('#participants tbody tr').count(), 0);
  assert.equal(await page.getAttribute('#live', 'data-state'), 'off');
});
