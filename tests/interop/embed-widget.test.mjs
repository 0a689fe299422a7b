// SPDX-License-Identifier: GPL-3.0-or-later
// The embed widget in a real browser (Debian's Chromium, headless, driven by playwright-core):
// a page of an allowlisted origin loads /embed/chat-widget.js, opens the chat frame, sends a
// message and shows the streamed answer; the same page served from another origin can neither
// frame the chat nor call it. The answer streams XSS payloads from the scripted upstream, and
// the visitor's message carries some too: all of it must show as text and none of it run.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { chromium } from 'playwright-core';

import { startUpstream, XSS_PAYLOADS } from './scripted-upstream.mjs';
import { api, createKey, dataDir, startRuntime } from './lib.mjs';

const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run',
];

let upstream;
let runtime;
let key;
let embedId;
let siteA;
let siteB;
let browser;

// A web site of its own origin (its own port on loopback) whose page includes the widget.
function startSite(widgetUrl) {
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>Shop</title></head>
<body><h1>A shop</h1>
<script src="${widgetUrl}" data-embed-id="${embedId}"></script>
</body></html>`);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({ server, url: `http://127.0.0.1:${server.address().port}` });
    });
  });
}

before(async () => {
  upstream = await startUpstream();
  const dir = dataDir('embed-widget');
  key = createKey(dir, { admin: true, name: 'embed admin' });
  runtime = await startRuntime(dir, {
    RTX_LLM_PROVIDER: 'generic-openai',
    RTX_LLM_BASE_URL: upstream.url,
    RTX_LLM_MODEL: 'script-xss',
  });

  const ws = await api(runtime.url, key, 'POST', '/api/v1/workspace/new', { name: 'Shop help' });
  assert.equal(ws.status, 200, ws.text);

  // The embed exists before the sites, so that their pages can name it; its allowlist is
  // filled once site A's port is known.
  const created = await api(runtime.url, key, 'POST', '/api/v1/embed/new',
    { workspace_slug: ws.json.workspace.slug, chat_mode: 'chat' });
  assert.equal(created.status, 200, created.text);
  embedId = created.json.embed.uuid;

  const widget = `${runtime.url}/embed/chat-widget.js`;
  siteA = await startSite(widget);
  siteB = await startSite(widget);
  const updated = await api(runtime.url, key, 'POST', `/api/v1/embed/${embedId}`,
    { allowlist_domains: [siteA.url] });
  assert.equal(updated.status, 200, updated.text);

  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  siteA?.server.close();
  siteB?.server.close();
  await runtime?.stop();
  await upstream?.close();
});

// A page that records every dialog (alert, confirm, prompt): a payload that ran would open one.
async function openPage(url) {
  const page = await browser.newPage();
  const dialogs = [];
  const console = [];
  page.on('dialog', async (dialog) => { dialogs.push(dialog.message()); await dialog.dismiss(); });
  page.on('console', (message) => console.push(message.text()));
  await page.goto(url);
  return { page, dialogs, console };
}

test('an allowlisted page chats through the widget and sees the answer as text', async () => {
  const { page, dialogs } = await openPage(siteA.url);
  const bubble = page.locator('#rtx-chat-bubble');
  await bubble.waitFor();
  await bubble.click();

  const frame = page.frameLocator('#rtx-chat-frame');
  const input = frame.locator('#message');
  await input.waitFor();
  const message = `Hello ${XSS_PAYLOADS[1]} and ${XSS_PAYLOADS[0]}`;
  await input.fill(message);
  await frame.locator('#send').click();

  const reply = frame.locator('.message.assistant[data-done="true"]');
  await reply.waitFor({ timeout: 30000 });
  const shown = await reply.textContent();

  // Streamed in pieces, shown whole: every payload, character for character.
  assert.ok(XSS_PAYLOADS.length >= 20);
  for (const payload of XSS_PAYLOADS)
    assert.ok(shown.includes(payload), `answer shows ${payload}`);
  assert.equal(await frame.locator('.message.user').textContent(), message);

  // Nothing was parsed as markup: the list holds only its <li> items, and nothing ran.
  assert.equal(await frame.locator('#messages *:not(li)').count(), 0);
  assert.equal(await frame.locator('#messages li').count(), 2);
  assert.deepEqual(dialogs, []);
  const frameHandle = page.frames().find((f) => f.url().endsWith(`/embed/${embedId}/frame`));
  assert.ok(frameHandle, 'the chat frame loaded');
  assert.equal(await frameHandle.title(), 'Chat');
  assert.equal(await page.title(), 'Shop');

  // The runtime kept the exchange, from site A.
  const chats = await api(runtime.url, key, 'GET', `/api/v1/embed/${embedId}/chats`);
  assert.equal(chats.status, 200, chats.text);
  assert.equal(chats.json.chats.length, 1);
  assert.equal(JSON.parse(chats.json.chats[0].connection_information).host, siteA.url);
  await page.close();
});

test('a page of another origin can neither frame the chat nor call it', async () => {
  const { page, dialogs, console } = await openPage(siteB.url);
  const bubble = page.locator('#rtx-chat-bubble');
  await bubble.waitFor();
  await bubble.click();

  // The iframe element is there, but frame-ancestors keeps the chat out of it.
  const iframe = page.locator('#rtx-chat-frame');
  await iframe.waitFor({ state: 'attached' });
  await page.waitForTimeout(1000);
  assert.equal(await page.frameLocator('#rtx-chat-frame').locator('#composer').count(), 0);
  const frameHandle = page.frames().find((f) => f.url().endsWith(`/embed/${embedId}/frame`) &&
                                              f !== page.mainFrame());
  if (frameHandle)
    assert.equal(await frameHandle.locator('#composer').count(), 0);
  assert.ok(console.some((text) => /frame-ancestors/.test(text)),
            `Chromium reports the refused frame: ${console.join(' | ')}`);

  // Calling the chat directly is refused too: no CORS answer for this origin.
  const outcome = await page.evaluate(async ({ url, body }) => {
    try {
      const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' },
                                   body: JSON.stringify(body) });
      return `answered ${r.status}`;
    } catch (e) {
      return 'blocked';
    }
  }, { url: `${runtime.url}/api/embed/${embedId}/stream-chat`,
       body: { sessionId: '3f2504e0-4f89-41d3-9a0c-0305e82c3301', message: 'hello' } });
  assert.equal(outcome, 'blocked');

  // Even a request the browser lets through without a preflight carries site B's origin, and
  // the runtime refuses it.
  const simple = await page.evaluate(async (url) => {
    try {
      const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/plain' },
                                   body: '{"sessionId":"3f2504e0-4f89-41d3-9a0c-0305e82c3301","message":"hi"}' });
      return `answered ${r.status}`;
    } catch (e) {
      return 'blocked';
    }
  }, `${runtime.url}/api/embed/${embedId}/stream-chat`);
  assert.equal(simple, 'blocked');

  const chats = await api(runtime.url, key, 'GET', `/api/v1/embed/${embedId}/chats`);
  assert.ok(chats.json.chats.every((c) => JSON.parse(c.connection_information).host !== siteB.url));
  assert.deepEqual(dialogs, []);
  await page.close();
});
