// The dashboard's text/event-stream reader (web/dashboard/sse.js), without a browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readEvents } from '../../web/dashboard/sse.js';

function body(chunks, { keepOpen = false } = {}) {
  const enc = new TextEncoder();
  return new ReadableStream({
    start(c) {
      for (const x of chunks) c.enqueue(typeof x === 'string' ? enc.encode(x) : x);
      if (!keepOpen) c.close();
    },
  });
}

async function collect(chunks, opts) {
  const events = [];
  await readEvents(body(chunks, opts), (e) => events.push(e), opts?.idleMs);
  return events;
}

test('events, comments and multi-line data', async () => {
  const events = await collect([
    ': keep-alive\n\n',
    'event: positions\ndata: {"a":1}\n\n',
    'data: line1\ndata: line2\n\n',
    'event: positions\ndata:{"b":2}\nid: 7\nretry: 100\n\n',
  ]);
  assert.deepEqual(events, [
    { type: 'positions', data: '{"a":1}' },
    { type: 'message', data: 'line1\nline2' },
    { type: 'positions', data: '{"b":2}' },
  ]);
});

test('lines and characters split anywhere, CRLF and CR line ends', async () => {
  const text = 'event: positions\r\ndata: {"name":"Zürich"}\r\n\r\nevent: positions\rdata: {"x":2}\r\r';
  const bytes = new TextEncoder().encode(text);
  const chunks = [...bytes].map((b) => new Uint8Array([b]));    // one byte at a time (splits ü)
  const events = await collect(chunks);
  assert.deepEqual(events, [
    { type: 'positions', data: '{"name":"Zürich"}' },
    { type: 'positions', data: '{"x":2}' },
  ]);
});

test('an event cut off by the end of the stream is dropped', async () => {
  const events = await collect(['event: positions\ndata: {"a":1}\n\nevent: positions\ndata: {"partial"']);
  assert.equal(events.length, 1);
});

test('a silent stream is given up after the idle time', async () => {
  const t0 = Date.now();
  const events = await collect(['event: positions\ndata: 1\n\n'], { keepOpen: true, idleMs: 200 });
  assert.equal(events.length, 1);
  assert.ok(Date.now() - t0 >= 180);
});
