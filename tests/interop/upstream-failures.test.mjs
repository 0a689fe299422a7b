// SPDX-License-Identifier: GPL-3.0-or-later
// Upstream failures reach the client as clear errors, promptly; a client that goes away
// cancels the upstream request; the provider is configured through update-env with its key in
// the keyring.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import crypto from 'node:crypto';
import OpenAI from 'openai';

import { startUpstream, SCRIPT_TEXT } from './scripted-upstream.mjs';
import { api, createKey, dataDir, recordSecret, sseEvents, startRuntime, waitFor } from './lib.mjs';

const upstreamKey = `sk-scripted-${crypto.randomBytes(12).toString('hex')}`;
let upstream;
let runtime;
let key;

async function workspace(base, k, name, chatModel) {
  const r = await api(base, k, 'POST', '/api/v1/workspace/new', { name, chatModel });
  assert.equal(r.status, 200, r.text);
  return r.json.workspace.slug;
}

async function freePort() {
  const server = net.createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

before(async () => {
  recordSecret(upstreamKey);
  upstream = await startUpstream({ expectedKey: upstreamKey });
  const dir = dataDir('upstream-failures');
  key = createKey(dir);
  runtime = await startRuntime(dir, {
    RTX_LLM_PROVIDER: 'generic-openai', RTX_LLM_BASE_URL: upstream.url, RTX_LLM_MODEL: 'script-ok',
    RTX_LLM_TIMEOUT_SEC: '2',
  });
});

after(async () => {
  await runtime?.stop();
  await upstream?.close();
});

test('an upstream 500 is a clear 502 (blocking) or abort event (streamed)', async () => {
  const slug = await workspace(runtime.url, key, 'Fails', 'script-500');
  const blocking = await api(runtime.url, key, 'POST', `/api/v1/workspace/${slug}/chat`, { message: 'hi' });
  assert.equal(blocking.status, 502);
  assert.equal(blocking.json.type, 'abort');
  assert.match(blocking.json.error, /HTTP 500: scripted failure/);

  const streamed = await api(runtime.url, key, 'POST', `/api/v1/workspace/${slug}/stream-chat`, { message: 'hi' });
  assert.equal(streamed.status, 200);
  const last = JSON.parse(sseEvents(streamed.text).at(-1));
  assert.equal(last.type, 'abort');
  assert.match(last.error, /HTTP 500/);

  const client = new OpenAI({ apiKey: key, baseURL: `${runtime.url}/api/v1/openai`, maxRetries: 0 });
  await assert.rejects(client.chat.completions.create({ model: slug, messages: [{ role: 'user', content: 'x' }] }),
    (err) => err.status === 502 && /scripted failure/.test(err.message));
  await assert.rejects(async () => {
    const s = await client.chat.completions.create({ model: slug, messages: [{ role: 'user', content: 'x' }], stream: true });
    for await (const _ of s) { /* drain */ }
  }, (err) => err instanceof OpenAI.APIError && /scripted failure/.test(err.message));
});

test('a stalled upstream times out promptly with 504 or an abort event', async () => {
  const slug = await workspace(runtime.url, key, 'Stalls', 'script-stall');
  const t0 = Date.now();
  const streamed = await api(runtime.url, key, 'POST', `/api/v1/workspace/${slug}/stream-chat`, { message: 'hi' });
  const elapsed = Date.now() - t0;
  const events = sseEvents(streamed.text).map((e) => JSON.parse(e));
  assert.equal(events[0].type, 'textResponseChunk');
  assert.equal(events[0].textResponse, 'Hello');
  assert.equal(events.at(-1).type, 'abort');
  assert.match(events.at(-1).error, /did not answer within 2 seconds/);
  assert.ok(elapsed < 10000, `took ${elapsed} ms`);

  // A failed exchange is not stored as an answer.
  const history = await api(runtime.url, key, 'GET', `/api/v1/workspace/${slug}/chats`);
  assert.equal(history.json.history.length, 0, 'a failed exchange is not stored as an answer');
});

test('a malformed stream is an abort event, not a hang', async () => {
  const slug = await workspace(runtime.url, key, 'Garbled', 'script-malformed');
  const streamed = await api(runtime.url, key, 'POST', `/api/v1/workspace/${slug}/stream-chat`, { message: 'hi' });
  const last = JSON.parse(sseEvents(streamed.text).at(-1));
  assert.equal(last.type, 'abort');
  assert.match(last.error, /malformed stream/);
});

test('CRLF line ends, event/id fields, multi-line data and a stream without [DONE] are read', async () => {
  const slug = await workspace(runtime.url, key, 'Crlf', 'script-crlf');
  const streamed = await api(runtime.url, key, 'POST', `/api/v1/workspace/${slug}/stream-chat`, { message: 'hi' });
  const events = sseEvents(streamed.text).map((e) => JSON.parse(e));
  assert.equal(events.at(-1).type, 'finalizeResponseStream', streamed.text.slice(-300));
  const text = events.filter((e) => e.type === 'textResponseChunk').map((e) => e.textResponse).join('');
  assert.equal(text, SCRIPT_TEXT);
});

test('an idle stream gets keep-alive comments', async () => {
  const dir = dataDir('heartbeat');
  const k = createKey(dir);
  const rt = await startRuntime(dir, {
    RTX_LLM_PROVIDER: 'generic-openai', RTX_LLM_BASE_URL: upstream.url, RTX_LLM_MODEL: 'script-stall',
    RTX_LLM_TIMEOUT_SEC: '4', RTX_SSE_HEARTBEAT_SEC: '1',
  });
  try {
    const slug = await workspace(rt.url, k, 'Quiet');
    const streamed = await api(rt.url, k, 'POST', `/api/v1/workspace/${slug}/stream-chat`, { message: 'hi' });
    const blocks = streamed.text.split('\n\n');
    const firstChunk = blocks.findIndex((b) => b.includes('"textResponseChunk"'));
    const abort = blocks.findIndex((b) => b.includes('"abort"'));
    const beats = blocks.filter((b, i) => b === ': keep-alive' && i > firstChunk && i < abort).length;
    assert.ok(beats >= 2, `only ${beats} keep-alive comments in ${streamed.text}`);
  } finally {
    await rt.stop();
  }
});

test('a refused connection is a clear 502', async () => {
  const port = await freePort();
  const dir = dataDir('refused');
  const k = createKey(dir);
  const rt = await startRuntime(dir, {
    RTX_LLM_PROVIDER: 'generic-openai', RTX_LLM_BASE_URL: `http://127.0.0.1:${port}/v1`, RTX_LLM_MODEL: 'm',
  });
  try {
    const slug = await workspace(rt.url, k, 'Nowhere');
    const t0 = Date.now();
    const r = await api(rt.url, k, 'POST', `/api/v1/workspace/${slug}/chat`, { message: 'hi' });
    assert.equal(r.status, 502);
    assert.match(r.json.error, new RegExp(`Could not reach the model provider at http://127.0.0.1:${port}/v1`));
    assert.ok(Date.now() - t0 < 5000);
    const o = await api(rt.url, k, 'POST', '/api/v1/openai/chat/completions',
      { model: slug, messages: [{ role: 'user', content: 'x' }] });
    assert.equal(o.status, 502);
    assert.equal(o.json.error.type, 'server_error');
  } finally {
    await rt.stop();
  }
});

async function readSome(response, minBytes) {
  const reader = response.body.getReader();
  let got = '';
  while (got.length < minBytes) {
    const { value, done } = await reader.read();
    if (done) break;
    got += new TextDecoder().decode(value);
  }
  return got;
}

test('a client that disconnects mid-stream cancels the upstream request', async () => {
  const slug = await workspace(runtime.url, key, 'Slow', 'script-slow');
  for (const route of [`/api/v1/workspace/${slug}/stream-chat`, '/api/v1/openai/chat/completions']) {
    const cancelledBefore = upstream.events.cancelled.length;
    const controller = new AbortController();
    const body = route.includes('openai')
      ? { model: slug, stream: true, messages: [{ role: 'user', content: 'slowly' }] }
      : { message: 'slowly' };
    const response = await fetch(`${runtime.url}${route}`, {
      method: 'POST', signal: controller.signal,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.equal(response.status, 200);
    const got = await readSome(response, 600);
    assert.match(got, /s0 /);
    controller.abort();

    const seen = await waitFor(() => upstream.events.cancelled.length > cancelledBefore, 5000);
    assert.ok(seen, `the upstream saw no cancellation for ${route}`);
    const cancelled = upstream.events.cancelled.at(-1);
    assert.equal(cancelled.body.model, 'script-slow');
  }

  // What was generated before the disconnect is kept in the history.
  const stored = await waitFor(async () => {
    const h = await api(runtime.url, key, 'GET', `/api/v1/workspace/${slug}/chats`);
    return h.json.history.length >= 2;
  });
  assert.ok(stored);
  const history = await api(runtime.url, key, 'GET', `/api/v1/workspace/${slug}/chats`);
  assert.match(history.json.history[1].content, /^s0 s1 /);
  assert.ok(!history.json.history[1].content.includes('s599'));
});

test('update-env configures the provider; the key is in the keyring and shown as a boolean', async () => {
  const dir = dataDir('update-env');
  const admin = createKey(dir, { admin: true, name: 'admin' });
  const plain = createKey(dir, { name: 'plain' });
  const rt = await startRuntime(dir, {});
  try {
    const fresh = await api(rt.url, plain, 'GET', '/api/v1/system');
    assert.equal(fresh.json.settings.LLMProvider, 'builtin');
    assert.equal(fresh.json.settings.GenericOpenAiKey, false);

    const refused = await api(rt.url, plain, 'POST', '/api/v1/system/update-env', { LLMProvider: 'generic-openai' });
    assert.equal(refused.status, 403);
    const bad = await api(rt.url, admin, 'POST', '/api/v1/system/update-env',
      { LLMProvider: 'generic-openai', GenericOpenAiBasePath: 'ftp://nope' });
    assert.equal(bad.status, 400);
    assert.equal((await api(rt.url, plain, 'GET', '/api/v1/system')).json.settings.LLMProvider, 'builtin');

    const ok = await api(rt.url, admin, 'POST', '/api/v1/system/update-env', {
      LLMProvider: 'generic-openai', GenericOpenAiBasePath: upstream.url,
      GenericOpenAiModelPref: 'script-refuse-key', GenericOpenAiKey: upstreamKey, Unknown: 'ignored',
    });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json.newValues.GenericOpenAiKey, true);
    assert.ok(!ok.text.includes(upstreamKey));

    const shown = await api(rt.url, plain, 'GET', '/api/v1/system');
    assert.equal(shown.json.settings.LLMProvider, 'generic-openai');
    assert.equal(shown.json.settings.GenericOpenAiBasePath, upstream.url);
    assert.equal(shown.json.settings.GenericOpenAiKey, true);
    assert.ok(!shown.text.includes(upstreamKey));

    // The upstream only answers with the right key: the runtime sent the one from the keyring.
    const slug = await workspace(rt.url, plain, 'Keyed');
    const chat = await api(rt.url, plain, 'POST', `/api/v1/workspace/${slug}/chat`, { message: 'hi' });
    assert.equal(chat.status, 200, chat.text);
    assert.equal(chat.json.textResponse, SCRIPT_TEXT);
    assert.equal(upstream.events.requests.at(-1).authorization, `Bearer ${upstreamKey}`);

    // A masked value leaves the key alone; an empty one removes it.
    await api(rt.url, admin, 'POST', '/api/v1/system/update-env', { GenericOpenAiKey: '**********' });
    assert.equal((await api(rt.url, plain, 'GET', '/api/v1/system')).json.settings.GenericOpenAiKey, true);
    await api(rt.url, admin, 'POST', '/api/v1/system/update-env', { GenericOpenAiKey: '' });
    assert.equal((await api(rt.url, plain, 'GET', '/api/v1/system')).json.settings.GenericOpenAiKey, false);
    const refusedUpstream = await api(rt.url, plain, 'POST', `/api/v1/workspace/${slug}/chat`, { message: 'hi' });
    assert.equal(refusedUpstream.status, 502);
    assert.match(refusedUpstream.json.error, /refused the API key/);
  } finally {
    await rt.stop();
  }
});
