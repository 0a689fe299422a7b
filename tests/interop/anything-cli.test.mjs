// SPDX-License-Identifier: GPL-3.0-or-later
// The unmodified @mintplex-labs/anything-llm-cli (`any`), configured only by
// ANYTHING_LLM_BASE_URL and ANYTHING_LLM_API_KEY, against the runtime.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { startUpstream, SCRIPT_TEXT } from './scripted-upstream.mjs';
import { api, createKey, dataDir, startRuntime } from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const ANY = path.join(here, 'node_modules', '@mintplex-labs', 'anything-llm-cli', 'dist', 'index.js');
const DEFAULT_SLUG = 'anythingllm-cli-default-workspace';

let upstream;
let runtime;
let key;
let home;

function any(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [ANY, ...args], {
      env: {
        PATH: process.env.PATH, HOME: home,
        ANYTHING_LLM_BASE_URL: runtime.url, ANYTHING_LLM_API_KEY: key,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

before(async () => {
  upstream = await startUpstream();
  const dir = dataDir('anything-cli');
  key = createKey(dir);
  home = path.join(dir, 'home');
  fs.mkdirSync(home, { recursive: true });
  runtime = await startRuntime(dir, {
    RTX_LLM_PROVIDER: 'generic-openai', RTX_LLM_BASE_URL: upstream.url, RTX_LLM_MODEL: 'script-ok',
  });
});

after(async () => {
  await runtime?.stop();
  await upstream?.close();
});

test('any prompt creates its default workspace and prints the streamed reply', async () => {
  const before = await api(runtime.url, key, 'GET', `/api/v1/workspace/${DEFAULT_SLUG}`);
  assert.deepEqual(before.json, { workspace: [] });

  const r = await any(['prompt', 'Hello there']);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.stdout.includes(SCRIPT_TEXT), r.stdout);

  const after = await api(runtime.url, key, 'GET', `/api/v1/workspace/${DEFAULT_SLUG}`);
  assert.equal(after.json.workspace.length, 1);
  assert.equal(after.json.workspace[0].name, 'AnythingLLM CLI Default Workspace');
  const streamed = upstream.events.requests.filter((q) => q.path === '/v1/chat/completions').at(-1);
  assert.equal(streamed.body.stream, true);
  assert.equal(streamed.body.messages.at(-1).content, 'Hello there');

  // A second prompt reuses the workspace.
  const again = await any(['prompt', 'Second']);
  assert.equal(again.code, 0, again.stderr);
  const list = await api(runtime.url, key, 'GET', '/api/v1/workspaces');
  assert.equal(list.json.workspaces.length, 1);
});

test('any prompt -S prints the blocking reply', async () => {
  const r = await any(['prompt', '-S', 'Blocking please']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), SCRIPT_TEXT);
  const sent = upstream.events.requests.filter((q) => q.path === '/v1/chat/completions').at(-1);
  assert.equal(sent.body.stream, false);
});

test('any prompt --new-thread chats in a new thread', async () => {
  const r = await any(['prompt', '--new-thread', 'In a thread']);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.stdout.includes(SCRIPT_TEXT), r.stdout);

  const ws = await api(runtime.url, key, 'GET', `/api/v1/workspace/${DEFAULT_SLUG}`);
  const threads = ws.json.workspace[0].threads;
  assert.equal(threads.length, 1);
  assert.match(threads[0].name, /^AnythingLLM CLI Thread/);
  const history = await api(runtime.url, key, 'GET',
    `/api/v1/workspace/${DEFAULT_SLUG}/thread/${threads[0].slug}/chats`);
  assert.equal(history.json.history[0].content, 'In a thread');
  assert.equal(history.json.history[1].content, SCRIPT_TEXT);
});

test('any prompt -t SLUG chats in that thread, streamed and blocking', async () => {
  const made = await api(runtime.url, key, 'POST', `/api/v1/workspace/${DEFAULT_SLUG}/thread/new`,
    { name: 'Named', slug: 'named-thread' });
  assert.equal(made.status, 200, made.text);

  const streamed = await any(['prompt', '-t', 'named-thread', 'First in named']);
  assert.equal(streamed.code, 0, streamed.stderr);
  assert.ok(streamed.stdout.includes(SCRIPT_TEXT));
  const blocking = await any(['prompt', '-S', '-t', 'named-thread', 'Second in named']);
  assert.equal(blocking.code, 0, blocking.stderr);
  assert.equal(blocking.stdout.trim(), SCRIPT_TEXT);

  const history = await api(runtime.url, key, 'GET',
    `/api/v1/workspace/${DEFAULT_SLUG}/thread/named-thread/chats`);
  assert.deepEqual(history.json.history.filter((h) => h.role === 'user').map((h) => h.content),
    ['First in named', 'Second in named']);
});

test('a bad key makes the CLI fail clearly', async () => {
  const saved = key;
  key = 'rtx_thisisnotakey';
  const r = await any(['prompt', '-S', 'x']);
  key = saved;
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /403/);
});
