// SPDX-License-Identifier: GPL-3.0-or-later
// A scripted OpenAI-compatible server for tests and benchmarks: no model, fixed tokens.
//
// The `model` of a request picks the script:
//   script-ok (or any other name)  streams SCRIPT_TOKENS (SSE split mid-line, with keep-alive
//                                  comments, a usage chunk and [DONE]) or answers them whole
//   script-fast                    streams `tokens` tokens (default 1000) as fast as it can
//   script-slow                    one token every 100 ms, 600 tokens (for cancellation tests)
//   script-paced                   `max_tokens` tokens (default 100), one every 10 ms, like a
//                                  local model at 100 tokens/s (for concurrency benchmarks)
//   script-500                     answers HTTP 500 with an OpenAI error object
//   script-stall                   sends the headers and one token, then nothing
//   script-malformed               streams an event whose data is not JSON
//   script-crlf                    streams with CRLF line ends, event:/id: fields, a JSON event
//                                  split over two data: lines, and no [DONE] (EOF after the
//                                  finish_reason)
//   script-break                   streams three tokens, then drops the connection mid-stream
//   script-refuse-key              answers 401 unless the request carries the expected key
//   script-xss                     streams XSS_PAYLOADS, one token each, for the tests that
//                                  prove model output is shown as text and never run
//   script-escapes                 streams ESCAPED_TOKENS then NOT_TEXT_TOKENS, each written as
//                                  the JSON text given there (escapes and all)
// Every request is recorded (method, path, body, authorization); a request whose client goes
// away before the answer is complete is recorded in `cancelled`.
//
// Run alone: node scripted-upstream.mjs [port]  → prints "Listening on http://127.0.0.1:PORT".
// GET /__events returns {requests, cancelled} for out-of-process users.
import http from 'node:http';

export const SCRIPT_TOKENS = ['Hello', ' from', ' the', ' scripted', ' upstream', '.'];
export const SCRIPT_TEXT = SCRIPT_TOKENS.join('');

// Markup, script URLs and encodings that run in a page that renders model output as HTML.
export const XSS_PAYLOADS = [
  "<script>alert('xss1')</script>",
  "<img src=x onerror=alert('xss2')>",
  "<svg onload=alert('xss3')>",
  "<iframe src=\"javascript:alert('xss4')\"></iframe>",
  "<body onload=alert('xss5')>",
  "<a href=\"javascript:alert('xss6')\">click</a>",
  "\"><script>alert('xss7')</script>",
  "'><img src=x onerror=alert('xss8')>",
  "<details open ontoggle=alert('xss9')>",
  "<math><mtext></table><mglyph><style><img src=x onerror=alert('xss10')>",
  "<input autofocus onfocus=alert('xss11')>",
  "<video><source onerror=alert('xss12')></video>",
  "<object data=\"javascript:alert('xss13')\">",
  "<embed src=\"javascript:alert('xss14')\">",
  "<marquee onstart=alert('xss15')>",
  "<style>@import 'javascript:alert(\"xss16\")';</style>",
  "<base href=\"javascript:alert('xss17')//\">",
  "<form action=\"javascript:alert('xss18')\"><button>go</button></form>",
  "<template><img src=x onerror=alert('xss19')></template>",
  "javascript:alert('xss20')",
  "[click](javascript:alert('xss21'))",
  "<scr<script>ipt>alert('xss22')</scr</script>ipt>",
  "&lt;img src=x onerror=alert('xss23')&gt;",
  "<div style=\"background:url(javascript:alert('xss24'))\">",
  "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert('xss25')\">",
  "<img src=x onerror=\"document.title='pwned'\">",
];
// Tokens as the JSON text a server may write them, with the text each stands for: a relay
// forwards the first byte for byte (script-escapes) and stores the second.
export const ESCAPED_TOKENS = [
  ['caf\\u00e9 ', 'caf\u00e9 '],
  ['\\ud83d\\ude00 \\uD83D\\uDE00 ', '\u{1F600} \u{1F600} '],
  ['\\"quoted\\" ', '"quoted" '],
  ['back\\\\slash\\/ ', 'back\\slash/ '],
  ['tab\\there\\r\\n', 'tab\there\r\n'],
  ['\\u2028sep\\u0007 ', '\u2028sep\u0007 '],
  ['na\u00efve \u4e2d ', 'na\u00efve \u4e2d '],
];
// Valid JSON that is not text (a lone surrogate, U+0000): the text has U+FFFD there.
export const NOT_TEXT_TOKENS = [
  ['lone\\ud800 ', 'lone\uFFFD '],
  ['nul\\u0000end', 'nul\uFFFDend'],
];

export const EMBED_DIM = 8;

function chunk(id, model, delta, finish = null, usage = undefined) {
  const c = {
    id, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  };
  if (usage) c.usage = usage;
  return c;
}

function embedding(text) {
  // Deterministic: character codes folded into EMBED_DIM buckets, then normalised.
  const v = new Array(EMBED_DIM).fill(0);
  for (let i = 0; i < text.length; i++) v[i % EMBED_DIM] += text.charCodeAt(i) % 31;
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0)) || 1;
  return v.map((x) => x / norm);
}

export function startUpstream({ port = 0, expectedKey = 'sk-scripted' } = {}) {
  const events = { requests: [], cancelled: [] };
  const sockets = new Set();

  const server = http.createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (d) => { raw += d; });
    req.on('end', () => handle(req, res, raw));
  });
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });

  function record(req, body) {
    const entry = {
      method: req.method, path: req.url, body,
      authorization: req.headers.authorization ?? null, at: Date.now(),
    };
    events.requests.push(entry);
    return entry;
  }

  function watchCancel(req, res, entry) {
    res.on('close', () => {
      if (!res.writableFinished) events.cancelled.push({ ...entry, cancelledAt: Date.now() });
    });
  }

  function handle(req, res, raw) {
    if (req.method === 'GET' && req.url === '/__events') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(events));
      return;
    }
    let body = null;
    try { body = raw ? JSON.parse(raw) : null; } catch { body = raw; }
    const entry = record(req, body);
    watchCancel(req, res, entry);

    if (req.method === 'GET' && req.url === '/v1/models') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [
        { id: 'script-ok', object: 'model', created: 0, owned_by: 'scripted' },
        { id: 'script-fast', object: 'model', created: 0, owned_by: 'scripted' },
      ] }));
      return;
    }
    if (req.method === 'POST' && req.url === '/v1/embeddings') {
      const input = Array.isArray(body?.input) ? body.input : [body?.input];
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({
        object: 'list', model: body?.model ?? 'scripted-embed',
        data: input.map((t, index) => ({ object: 'embedding', index, embedding: embedding(String(t)) })),
        usage: { prompt_tokens: input.length, total_tokens: input.length },
      }));
      return;
    }
    if (req.method === 'POST' && req.url === '/v1/chat/completions') {
      chat(req, res, body);
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: 'not found', type: 'invalid_request_error' } }));
  }

  function chat(req, res, body) {
    const model = body?.model ?? 'script-ok';
    const id = `chatcmpl-scripted-${events.requests.length}`;
    if (model === 'script-500') {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'scripted failure', type: 'server_error', code: null } }));
      return;
    }
    if (model === 'script-refuse-key' && req.headers.authorization !== `Bearer ${expectedKey}`) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } }));
      return;
    }

    let tokens = SCRIPT_TOKENS;
    let delay = 0;
    if (model === 'script-fast') tokens = Array.from({ length: body?.max_tokens ?? 1000 }, (_, i) => `t${i} `);
    if (model === 'script-slow') { tokens = Array.from({ length: 600 }, (_, i) => `s${i} `); delay = 100; }
    if (model === 'script-paced') { tokens = Array.from({ length: body?.max_tokens ?? 100 }, (_, i) => `p${i} `); delay = 10; }
    if (model === 'script-xss') tokens = XSS_PAYLOADS.map((p) => `${p}\n`);

    const usage = { prompt_tokens: 11, completion_tokens: tokens.length, total_tokens: 11 + tokens.length };
    if (!body?.stream) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({
        id, object: 'chat.completion', created: Math.floor(Date.now() / 1000), model,
        choices: [{ index: 0, message: { role: 'assistant', content: tokens.join('') }, finish_reason: 'stop' }],
        usage,
      }));
      return;
    }

    if (model === 'script-escapes') tokens = [...ESCAPED_TOKENS, ...NOT_TEXT_TOKENS].map(([, text]) => text);
    if (model === 'script-escapes' && body?.stream) {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const [json] of [...ESCAPED_TOKENS, ...NOT_TEXT_TOKENS]) {
        res.write(`data: {"id":"${id}","object":"chat.completion.chunk","created":0,"model":"${model}",`
                  + `"choices":[{"index":0,"delta":{"content":"${json}"},"finish_reason":null}]}\n\n`);
      }
      res.write(`data: ${JSON.stringify(chunk(id, model, {}, 'stop', usage))}\n\n`);
      res.end('data: [DONE]\n\n');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const send = (obj) => res.write(`data: ${JSON.stringify(obj)}\n\n`);
    if (model === 'script-fast') {
      // Full speed: one write per token, back to back, as a streaming server flushes tokens.
      send(chunk(id, model, { role: 'assistant', content: '' }));
      for (const t of tokens) send(chunk(id, model, { content: t }));
      send(chunk(id, model, {}, 'stop', usage));
      res.end('data: [DONE]\n\n');
      return;
    }
    res.write(': keep-alive\n\n');
    send(chunk(id, model, { role: 'assistant', content: '' }));
    if (model === 'script-crlf') {
      res.write('event: message\r\nid: 1\r\n: comment\r\n');
      res.write(`data: ${JSON.stringify(chunk(id, model, { content: tokens[0] }))}\r\n\r\n`);
      // One event's JSON over two data: lines (joined with a newline, which JSON allows).
      const [a, b] = JSON.stringify(chunk(id, model, { content: tokens[1] })).split(',"model"');
      res.write(`data: ${a}\r\ndata: ,"model"${b}\r\n\r\n`);
      for (const t of tokens.slice(2)) res.write(`data: ${JSON.stringify(chunk(id, model, { content: t }))}\r\n\r\n`);
      res.end(`data: ${JSON.stringify(chunk(id, model, {}, 'stop', usage))}`);
      return;
    }
    if (model === 'script-malformed') {
      res.write('data: {"choices": [ this is not json\n\n');
      res.end();
      return;
    }
    if (model === 'script-break') {
      for (const t of tokens.slice(0, 3)) send(chunk(id, model, { content: t }));
      setTimeout(() => res.destroy(), 50);
      return;
    }
    if (model === 'script-stall') {
      send(chunk(id, model, { content: tokens[0] }));
      return; // never ends
    }

    let i = 0;
    const next = () => {
      if (res.destroyed) return;
      if (i < tokens.length) {
        const line = `data: ${JSON.stringify(chunk(id, model, { content: tokens[i] }))}\n\n`;
        i++;
        if (model === 'script-paced') { res.write(line); setTimeout(next, delay); return; }
        // Split each event in two writes, mid-line, so that clients must join partial lines.
        const half = Math.floor(line.length / 2);
        res.write(line.slice(0, half));
        setTimeout(() => { if (!res.destroyed) { res.write(line.slice(half)); setTimeout(next, delay); } }, delay ? 0 : 1);
        return;
      }
      res.write(': keep-alive\n\n');
      send(chunk(id, model, {}, 'stop'));
      send({ id, object: 'chat.completion.chunk', created: 0, model, choices: [], usage });
      res.end('data: [DONE]\n\n');
    };
    next();
  }

  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address();
      resolve({
        url: `http://127.0.0.1:${bound}/v1`, port: bound, events, expectedKey,
        close: () => new Promise((done) => {
          for (const s of sockets) s.destroy();
          server.close(() => done());
        }),
      });
    });
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const up = await startUpstream({ port: Number(process.argv[2] ?? 0) });
  console.log(`Listening on http://127.0.0.1:${up.port}`);
}
