// SPDX-License-Identifier: GPL-3.0-or-later
// The unmodified `openai` npm package against the runtime, whose workspaces answer through a
// scripted OpenAI-compatible upstream.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';

import { startUpstream, SCRIPT_TEXT, ESCAPED_TOKENS, NOT_TEXT_TOKENS } from './scripted-upstream.mjs';
import { api, createKey, dataDir, sseEvents, startRuntime } from './lib.mjs';

let upstream;
let runtime;
let key;
let client;

before(async () => {
  upstream = await startUpstream();
  const dir = dataDir('openai');
  key = createKey(dir);
  runtime = await startRuntime(dir, {
    RTX_LLM_PROVIDER: 'generic-openai',
    RTX_LLM_BASE_URL: upstream.url,
    RTX_LLM_MODEL: 'script-ok',
  });
  client = new OpenAI({ apiKey: key, baseURL: `${runtime.url}/api/v1/openai`, maxRetries: 0 });
  for (const name of ['Alpha Notes', 'Beta']) {
    const r = await api(runtime.url, key, 'POST', '/api/v1/workspace/new', { name });
    assert.equal(r.status, 200, r.text);
  }
  const native = await api(runtime.url, key, 'POST', '/api/v1/workspace/new',
    { name: 'Offline', chatProvider: 'builtin' });
  assert.equal(native.status, 200, native.text);
});

after(async () => {
  await runtime?.stop();
  await upstream?.close();
});

test('models.list shows the workspaces as models', async () => {
  const ids = [];
  for await (const model of client.models.list()) ids.push(model.id);
  assert.deepEqual(ids.sort(), ['alpha-notes', 'beta', 'offline']);
  const page = await client.models.list();
  const alpha = page.data.find((m) => m.id === 'alpha-notes');
  assert.equal(alpha.object, 'model');
  assert.equal(alpha.owned_by, 'generic-openai');
  assert.equal(page.data.find((m) => m.id === 'offline').owned_by, 'builtin');
});

test('a blocking chat completion returns the upstream text', async () => {
  const before = upstream.events.requests.length;
  const completion = await client.chat.completions.create({
    model: 'alpha-notes',
    messages: [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'earlier question' },
      { role: 'assistant', content: 'earlier answer' },
      { role: 'user', content: [{ type: 'text', text: 'Say hello' }, { type: 'text', text: 'please' }] },
    ],
    temperature: 0.25,
    max_tokens: 64,
    stop: ['END'],
    top_p: 0.5,
  });
  assert.equal(completion.object, 'chat.completion');
  assert.equal(completion.model, 'alpha-notes');
  assert.equal(completion.choices[0].message.role, 'assistant');
  assert.equal(completion.choices[0].message.content, SCRIPT_TEXT);
  assert.equal(completion.choices[0].finish_reason, 'stop');
  assert.equal(completion.usage.completion_tokens, 6);
  assert.equal(completion.usage.total_tokens, completion.usage.prompt_tokens + 6);

  // What the upstream was asked: the request's system prompt replaced the workspace's, the
  // history is the request's, and the options were honoured or passed through.
  const sent = upstream.events.requests.slice(before).find((r) => r.path === '/v1/chat/completions').body;
  assert.equal(sent.model, 'script-ok');
  assert.equal(sent.stream, false);
  assert.equal(sent.temperature, 0.25);
  assert.equal(sent.max_tokens, 64);
  assert.deepEqual(sent.stop, ['END']);
  assert.equal(sent.top_p, 0.5);
  assert.equal(sent.messages[0].role, 'system');
  assert.ok(sent.messages[0].content.startsWith('You are terse.'));
  assert.deepEqual(sent.messages.slice(1).map((m) => [m.role, m.content]), [
    ['user', 'earlier question'], ['assistant', 'earlier answer'], ['user', 'Say hello\nplease'],
  ]);
});

test('a streamed chat completion returns the upstream text in chunks', async () => {
  const stream = await client.chat.completions.create({
    model: 'beta',
    messages: [{ role: 'user', content: 'Stream please' }],
    stream: true,
    stream_options: { include_usage: true },
  });
  let text = '';
  let finish = null;
  let usage = null;
  let chunks = 0;
  for await (const chunk of stream) {
    assert.equal(chunk.object, 'chat.completion.chunk');
    assert.equal(chunk.model, 'beta');
    chunks++;
    if (chunk.choices.length > 0) {
      text += chunk.choices[0].delta.content ?? '';
      finish = chunk.choices[0].finish_reason ?? finish;
    }
    usage = chunk.usage ?? usage;
  }
  assert.equal(text, SCRIPT_TEXT);
  assert.equal(finish, 'stop');
  assert.ok(chunks >= 6, `only ${chunks} chunks`);
  assert.equal(usage.completion_tokens, 6);

  // The exchange is stored in the workspace's default history.
  const history = await api(runtime.url, key, 'GET', '/api/v1/workspace/beta/chats');
  assert.equal(history.json.history.at(-1).content, SCRIPT_TEXT);
  assert.equal(history.json.history.at(-2).content, 'Stream please');
});

test('the raw stream ends with data: [DONE]', async () => {
  const r = await api(runtime.url, key, 'POST', '/api/v1/openai/chat/completions',
    { model: 'beta', messages: [{ role: 'user', content: 'x' }], stream: true });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/event-stream/);
  assert.ok(r.text.trimEnd().endsWith('data: [DONE]'), r.text.slice(-200));
});

test('embeddings.create returns vectors of the configured dimension', async () => {
  const one = await client.embeddings.create({ model: 'anything', input: 'hello world' });
  assert.equal(one.object, 'list');
  assert.equal(one.data.length, 1);
  assert.equal(one.data[0].embedding.length, 384);
  const norm = Math.sqrt(one.data[0].embedding.reduce((s, x) => s + x * x, 0));
  assert.ok(Math.abs(norm - 1) < 1e-4, `norm ${norm}`);

  const many = await client.embeddings.create({ model: 'x', input: ['a cat', 'a cat', 'tax law'], encoding_format: 'float' });
  assert.deepEqual(many.data.map((d) => d.index), [0, 1, 2]);
  assert.deepEqual(many.data[0].embedding, many.data[1].embedding);
  assert.notDeepEqual(many.data[0].embedding, many.data[2].embedding);
  assert.ok(many.usage.prompt_tokens > 0);
});

test('a bad key raises AuthenticationError', async () => {
  const bad = new OpenAI({ apiKey: 'rtx_notavalidkey', baseURL: `${runtime.url}/api/v1/openai`, maxRetries: 0 });
  await assert.rejects(bad.models.list(), OpenAI.AuthenticationError);
  await assert.rejects(bad.chat.completions.create({ model: 'beta', messages: [{ role: 'user', content: 'x' }] }),
    OpenAI.AuthenticationError);
});

test('an unknown model raises NotFoundError with model_not_found', async () => {
  await assert.rejects(
    client.chat.completions.create({ model: 'no-such-workspace', messages: [{ role: 'user', content: 'x' }] }),
    (err) => err instanceof OpenAI.NotFoundError && err.code === 'model_not_found');
});

test('empty messages and a last non-user message are 400', async () => {
  await assert.rejects(client.chat.completions.create({ model: 'beta', messages: [] }), OpenAI.BadRequestError);
  await assert.rejects(client.chat.completions.create({ model: 'beta', messages: [{ role: 'assistant', content: 'x' }] }),
    OpenAI.BadRequestError);
  await assert.rejects(client.embeddings.create({ model: 'x', input: [] }), OpenAI.BadRequestError);
});

test('a workspace on the built-in provider answers without any model', async () => {
  const completion = await client.chat.completions.create({
    model: 'offline', messages: [{ role: 'user', content: 'Hello?' }],
  });
  assert.match(completion.choices[0].message.content, /No language model is configured/);
});

test('a missing temperature falls back to the workspace, then to the provider', async () => {
  const warm = await api(runtime.url, key, 'POST', '/api/v1/workspace/new', { name: 'Warm', openAiTemp: 0.6 });
  assert.equal(warm.status, 200, warm.text);
  const sentFor = async (model, extra = {}) => {
    const before = upstream.events.requests.length;
    await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'x' }], ...extra });
    return upstream.events.requests.slice(before).find((r) => r.path === '/v1/chat/completions').body;
  };
  assert.equal((await sentFor('warm')).temperature, 0.6);
  assert.equal((await sentFor('warm', { temperature: 0 })).temperature, 0);
  assert.ok(!('temperature' in (await sentFor('beta'))), 'no temperature: the provider default applies');
});

test('the SDK lists vector stores', async () => {
  const ids = [];
  for await (const store of client.vectorStores.list()) ids.push(store.id);
  assert.deepEqual(ids.sort(), ['alpha-notes', 'beta', 'offline', 'warm']);
});

test('vector stores list the workspaces', async () => {
  const r = await api(runtime.url, key, 'GET', '/api/v1/openai/vector_stores');
  assert.equal(r.status, 200);
  assert.deepEqual(r.json.data.map((s) => s.id).sort(), ['alpha-notes', 'beta', 'offline', 'warm']);
  assert.equal(r.json.data[0].object, 'vector_store');
  assert.equal(r.json.has_more, false);
});

// The relay copies the upstream's escaped text into its own events without decoding it; what
// a client decodes and what is stored must still be the text the upstream meant.
test('escaped content is relayed byte for byte, and stored decoded', async () => {
  const created = await api(runtime.url, key, 'POST', '/api/v1/workspace/new',
    { name: 'Escapes', chatModel: 'script-escapes' });
  assert.equal(created.status, 200, created.text);
  const text = [...ESCAPED_TOKENS, ...NOT_TEXT_TOKENS].map(([, t]) => t).join('');

  const r = await api(runtime.url, key, 'POST', '/api/v1/openai/chat/completions',
    { model: 'escapes', messages: [{ role: 'user', content: 'escape please' }], stream: true });
  assert.equal(r.status, 200, r.text);
  for (const [json] of ESCAPED_TOKENS) assert.ok(r.text.includes(`"content":"${json}"`), json);
  // Valid JSON that is not text reaches the client as the text it is stored as.
  for (const [json] of NOT_TEXT_TOKENS) assert.ok(!r.text.includes(json), json);
  const chunks = sseEvents(r.text).filter((d) => d !== '[DONE]').map((d) => JSON.parse(d));
  assert.equal(chunks.map((c) => c.choices[0]?.delta.content ?? '').join(''), text);

  // The standard surface's stream carries the same text in its envelope.
  const standard = await api(runtime.url, key, 'POST', '/api/v1/workspace/escapes/stream-chat',
    { message: 'again please' });
  assert.equal(standard.status, 200, standard.text);
  for (const [json] of ESCAPED_TOKENS) assert.ok(standard.text.includes(`"textResponse":"${json}"`), json);
  const events = sseEvents(standard.text).map((d) => JSON.parse(d));
  assert.equal(events.filter((e) => e.type === 'textResponseChunk').map((e) => e.textResponse).join(''), text);

  const history = await api(runtime.url, key, 'GET', '/api/v1/workspace/escapes/chats');
  assert.equal(history.status, 200, history.text);
  const replies = history.json.history.filter((m) => m.role === 'assistant').map((m) => m.content);
  assert.deepEqual(replies, [text, text]);
});
