// SPDX-License-Identifier: GPL-3.0-or-later
// The unmodified @realtimex/sdk 1.2.4, module llm, against a real headless runtime whose model
// is the scripted OpenAI-compatible upstream (tests/interop/scripted-upstream.mjs), and against
// one with no model configured (the built-in providers), in development and production mode.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { LLMProviderError, PermissionDeniedError } from '@realtimex/sdk';

import { SdkWorld } from './lib/sdk-apps.mjs';
import { startUpstream, SCRIPT_TEXT, SCRIPT_TOKENS, EMBED_DIM } from './scripted-upstream.mjs';

let upstream, world, bare;

before(async () => {
  upstream = await startUpstream();
  world = await new SdkWorld('sdk-llm', {
    RTX_LLM_PROVIDER: 'generic-openai',
    RTX_LLM_BASE_URL: upstream.url,
    RTX_LLM_MODEL: 'script-ok',
    RTX_LLM_TIMEOUT_SEC: '5',
  }).start();
  bare = await new SdkWorld('sdk-llm-builtin').start();
});

after(async () => {
  await world.stop();
  await bare.stop();
  await upstream.close();
});

const QUESTION = [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Say hello' }];
const LLM = ['llm.chat', 'llm.embed', 'llm.providers'];

for (const mode of ['development', 'production']) {
  const client = async (w, name) => mode === 'development'
    ? w.dev() : w.app(await w.grantedApp(name, LLM));

  test(`${mode}: chat answers with the configured model's text`, async () => {
    const sdk = await client(world, 'Chatter');
    const before = upstream.events.requests.length;
    const reply = await sdk.llm.chat(QUESTION, { temperature: 0.2, max_tokens: 50 });
    assert.equal(reply.success, true);
    assert.equal(reply.response.content, SCRIPT_TEXT);
    assert.equal(reply.response.provider, 'generic-openai');
    assert.equal(reply.response.metrics.completion_tokens, SCRIPT_TOKENS.length);
    // The upstream saw the conversation and the options.
    const sent = upstream.events.requests.slice(before).find(r => r.path === '/v1/chat/completions');
    assert.deepEqual(sent.body.messages.map(m => m.role), ['system', 'user']);
    assert.equal(sent.body.temperature, 0.2);
    assert.equal(sent.body.max_tokens, 50);
  });

  test(`${mode}: chatStream yields the tokens, then the final chunk, and ends`, async () => {
    const sdk = await client(world, 'Streamer');
    const chunks = [];
    for await (const chunk of sdk.llm.chatStream(QUESTION))
      chunks.push(chunk);
    const pieces = chunks.filter(c => c.type === 'textResponseChunk');
    assert.equal(pieces.map(c => c.textResponse).join(''), SCRIPT_TEXT);
    const last = chunks.at(-1);
    assert.equal(last.type, 'finalizeResponseStream');
    assert.equal(last.close, true);
    assert.ok(chunks.every(c => c.uuid === last.uuid && c.error === false));
  });

  test(`${mode}: a provider failure mid-stream: the chunks so far, then LLMProviderError`, async () => {
    const sdk = await client(world, 'Broken streamer');
    const seen = [];
    await assert.rejects(async () => {
      for await (const chunk of sdk.llm.chatStream(QUESTION, { model: 'script-break' }))
        seen.push(chunk.textResponse);
    }, (error) => {
      assert.ok(error instanceof LLMProviderError, String(error));
      assert.equal(error.code, 'LLM_STREAM_ERROR');
      return true;
    });
    assert.deepEqual(seen, SCRIPT_TOKENS.slice(0, 3));
  });

  test(`${mode}: a failing provider makes chat throw LLMProviderError`, async () => {
    const sdk = await client(world, 'Unlucky');
    await assert.rejects(sdk.llm.chat(QUESTION, { model: 'script-500' }),
      (error) => error instanceof LLMProviderError && /500|scripted failure/.test(error.message));
    await assert.rejects(sdk.llm.chat(QUESTION, { provider: 'nonexistent' }),
      /not available/);
    await assert.rejects(sdk.llm.chat([{ role: 'robot', content: 'x' }]),
      /“messages\[0\]\.role” must be one of \["system","user","assistant"\], not "robot"/);
  });

  test(`${mode}: embed with the built-in embedder and with the configured server`, async () => {
    const sdk = await client(world, 'Embedder');
    const builtin = await sdk.llm.embed(['invoices from March', 'invoices from March', 'weather'],
      { provider: 'builtin' });
    assert.equal(builtin.success, true);
    assert.equal(builtin.dimensions, 384);
    assert.equal(builtin.embeddings.length, 3);
    assert.deepEqual(builtin.embeddings[0], builtin.embeddings[1]);
    assert.notDeepEqual(builtin.embeddings[0], builtin.embeddings[2]);
    const norm = Math.hypot(...builtin.embeddings[2]);
    assert.ok(Math.abs(norm - 1) < 1e-4);

    const remote = await sdk.llm.embed('one text', { provider: 'generic-openai', model: 'embed-x' });
    assert.equal(remote.embeddings.length, 1);
    assert.equal(remote.dimensions, EMBED_DIM);
    assert.equal(remote.provider, 'generic-openai');
  });

  test(`${mode}: providers list the built-in ones and the configured server's models`, async () => {
    const sdk = await client(world, 'Lister');
    const chat = await sdk.llm.chatProviders();
    const byName = Object.fromEntries(chat.providers.map(p => [p.provider, p]));
    assert.equal(byName['generic-openai'].active, true);
    assert.equal(byName.builtin.active, false);
    assert.ok(byName['generic-openai'].models.some(m => m.id === 'script-fast'));
    const embed = await sdk.llm.embedProviders();
    assert.ok(embed.providers.find(p => p.provider === 'builtin').models.length > 0);
  });

  test(`${mode}: with no model configured the built-in providers answer`, async () => {
    const sdk = await client(bare, 'Offline');
    const reply = await sdk.llm.chat([{ role: 'user', content: 'Anyone there?' }]);
    assert.equal(reply.response.provider, 'builtin');
    assert.match(reply.response.content, /[Nn]o language model/);
    const chunks = [];
    for await (const chunk of sdk.llm.chatStream([{ role: 'user', content: 'Anyone there?' }]))
      chunks.push(chunk);
    assert.equal(chunks.at(-1).type, 'finalizeResponseStream');
    const providers = await sdk.llm.chatProviders();
    assert.deepEqual(providers.providers.map(p => p.provider), ['builtin']);
    assert.equal((await sdk.llm.embed('text')).dimensions, 384);
  });
}

test('production: chat asks for llm.chat; a denial throws PermissionDeniedError', async () => {
  const app = await world.grantedApp('Newcomer', []);
  const sdk = world.app(app);
  const chatting = sdk.llm.chat(QUESTION);
  assert.equal((await world.answerNextPrompt(true)).permission, 'llm.chat');
  assert.equal((await chatting).response.content, SCRIPT_TEXT);

  const streaming = (async () => {
    for await (const chunk of sdk.llm.chatStream(QUESTION)) void chunk;
  })();
  // llm.chat is granted now: the stream needs no prompt.
  await streaming;

  const embedding = sdk.llm.embed('x');
  assert.equal((await world.answerNextPrompt(false)).permission, 'llm.embed');
  await assert.rejects(embedding, PermissionDeniedError);
});
