// A reader of text/event-stream bodies (the WHATWG "server-sent events" parsing rules) for
// fetch() responses: EventSource cannot send an Authorization header, and the dashboard's token
// must go in one (never in a URL or a cookie). Used by dashboard.js; tested by
// tests/browser/sse.test.mjs.

/** Reads a text/event-stream body and calls onEvent({type, data}) per event (WHATWG SSE rules). */
export async function readEvents(body, onEvent, idleMs = 45_000) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  let data = [];
  let type = '';
  let idle;
  const arm = () => {
    clearTimeout(idle);
    idle = setTimeout(() => reader.cancel(new Error('stream idle')).catch(() => {}), idleMs);
  };
  arm();
  const lines = (atEnd) => {
    for (;;) {
      const i = buf.search(/[\r\n]/);
      if (i < 0) return;
      // A CR at the end of what has come may be the first half of a CRLF: wait, unless it is the end.
      if (buf[i] === '\r' && i === buf.length - 1 && !atEnd) return;
      const line = buf.slice(0, i);
      buf = buf.slice(i + (buf[i] === '\r' && buf[i + 1] === '\n' ? 2 : 1));
      if (line === '') {
        if (data.length) onEvent({ type: type || 'message', data: data.join('\n') });
        data = [];
        type = '';
      } else if (line[0] !== ':') {                            // ':' starts a comment (keep-alive)
        const c = line.indexOf(':');
        const field = c < 0 ? line : line.slice(0, c);
        let val = c < 0 ? '' : line.slice(c + 1);
        if (val[0] === ' ') val = val.slice(1);
        if (field === 'event') type = val;
        else if (field === 'data') data.push(val);
      }
    }
  };
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        lines(true);                 // an event not ended by a blank line is dropped, as the rules say
        return;
      }
      arm();
      buf += value;
      lines(false);
    }
  } finally {
    clearTimeout(idle);
  }
}
