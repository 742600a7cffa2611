// The API docs (/docs): Swagger UI renders /openapi.json, and "Try it out" calls the server,
// without a token (GET /healthz) and after Authorize with a bearer token (GET /v1/positions).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Server, launchBrowser, newPage, screenshot } from './harness.mjs';

let server;
let browser;
let page;
let rec;

before(async () => {
  server = await new Server({ name: 'docs' }).start();
  browser = await launchBrowser();
  ({ page, rec } = await newPage(browser));
  await page.goto(server.url('/docs'));
  await page.locator('.swagger-ui .info .title').waitFor({ timeout: 30_000 });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

function operation(method, path) {
  return page.locator(`.opblock.opblock-${method}`, {
    has: page.locator(`.opblock-summary-path[data-path="${path}"]`),
  }).first();
}

/** Opens an operation, presses "Try it out" and "Execute"; returns the status Swagger UI shows. */
async function tryItOut(method, path) {
  const op = operation(method, path);
  await op.scrollIntoViewIfNeeded();
  if (!(await op.locator('.opblock-body').count())) await op.locator('.opblock-summary').click();
  await op.getByRole('button', { name: 'Try it out' }).click();
  await op.getByRole('button', { name: 'Execute' }).click();
  const status = op.locator('.live-responses-table .response .response-col_status').first();
  await status.waitFor({ timeout: 15_000 });
  await status.scrollIntoViewIfNeeded();
  return (await status.textContent()).trim();
}

test('Swagger UI renders the OpenAPI document from this server', async () => {
  assert.match(await page.textContent('.swagger-ui .info .title'), /tradeagg/i);
  assert.ok(rec.requests.some((r) => new URL(r.url).pathname === '/openapi.json'));
  // Every file came from this server (no CDN), under its Content-Security-Policy.
  const origins = new Set(rec.requests.map((r) => new URL(r.url).origin));
  assert.deepEqual([...origins].filter((o) => o !== server.base && o !== 'null' && !o.startsWith('data:')), []);
  const csp = (await page.request.get(server.url('/docs'))).headers()['content-security-policy'];
  assert.match(csp, /script-src 'self'/);
  assert.equal(await operation('get', '/v1/positions').count(), 1);
  assert.deepEqual(rec.pageErrors, []);
});

test('"Try it out" on GET /healthz answers 200', async () => {
  assert.equal(await tryItOut('get', '/healthz'), '200');
  await screenshot(page, 'docs-try-healthz', { fullPage: false });
});

test('Authorize with a bearer token, then "Try it out" on GET /v1/positions answers 200', async () => {
  const token = await server.adminToken();
  await page.locator('.scheme-container .btn.authorize').click();
  const modal = page.locator('.dialog-ux .modal-ux');
  await modal.waitFor();
  const bearer = modal.locator('.auth-container', { has: page.locator('h4', { hasText: 'bearerAuth' }) });
  await bearer.getByLabel('Value').fill(token);
  await bearer.getByRole('button', { name: 'Apply credentials' }).click();      // "Authorize"
  await bearer.getByRole('button', { name: 'Remove authorization' }).or(bearer.getByRole('button', { name: 'Logout' })).first().waitFor();
  await bearer.getByRole('button', { name: 'Close' }).click();
  await modal.waitFor({ state: 'detached' });
  assert.equal(await tryItOut('get', '/v1/positions'), '200');
  const sent = rec.requests.filter((r) => new URL(r.url).pathname === '/v1/positions');
  assert.ok(sent.length >= 1);
  assert.equal(sent.at(-1).headers.authorization, `Bearer ${token}`);
  const stored = await page.evaluate(() => ({ local: localStorage.length, session: sessionStorage.length }));
  assert.deepEqual(stored, { local: 0, session: 0 }, 'the token is not persisted (persistAuthorization off)');
  await screenshot(page, 'docs-try-positions', { fullPage: false });
});
