// SPDX-License-Identifier: GPL-3.0-or-later
// /api/docs in a real browser: Debian's Chromium, headless, driven by playwright-core, with
// every request outside the runtime refused. The page must list every operation of the
// document under its surface's tag, in the surfaces' order, load nothing from elsewhere, break
// no Content-Security-Policy rule, and "Try it out" on GET /api/v1/auth with a key must get 200.
// Prints TAP.
import { spawn, execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const binary = process.env.RTX_BINARY;
const testRoot = process.env.RTX_TEST_ROOT;
const surfaces = ['Standard', 'OpenAI-compatible', 'SDK / local apps', 'Public'];

let count = 0;
let failed = false;
function ok (condition, message, detail) {
  count++;
  console.log(`${condition ? 'ok' : 'not ok'} ${count} - ${message}`);
  if (!condition) {
    failed = true;
    if (detail !== undefined)
      console.log(`# ${JSON.stringify(detail)}`);
  }
}

function startRuntime (dataDir) {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ['--data-dir', dataDir, '--port', '0'],
      { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = output.match(/Listening on http:\/\/127\.0\.0\.1:(\d+)/);
      if (match)
        resolve({ child, port: Number(match[1]) });
    });
    child.on('exit', (code) => reject(new Error(`the runtime exited (${code}): ${output}`)));
  });
}

mkdirSync(join(testRoot, 'data'), { recursive: true });
mkdirSync(join(testRoot, 'keys'), { recursive: true });
const dataDir = mkdtempSync(join(testRoot, 'data', 'api-docs-'));
const key = execFileSync(binary, ['keys', '--data-dir', dataDir, 'create', '--name', 'docs'],
  { encoding: 'utf8' }).trim();
appendFileSync(join(testRoot, 'keys', `${process.pid}.txt`), `${key}\n`);

const { child, port } = await startRuntime(dataDir);
const origin = `http://127.0.0.1:${port}`;
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});

console.log('TAP version 13');
try {
  const page = await browser.newPage();
  const foreign = [];
  const problems = [];

  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(`${origin}/`) || url.startsWith('data:'))
      return route.continue();
    foreign.push(url);
    return route.abort();
  });
  page.on('console', (message) => {
    if (message.type() === 'error')
      problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));

  const response = await page.goto(`${origin}/api/docs`);
  ok(response.status() === 200, 'GET /api/docs answers 200');
  ok((response.headers()['content-security-policy'] ?? '').includes("default-src 'self'"),
    'the page carries a Content-Security-Policy');
  await page.waitForSelector('.opblock-tag-section', { timeout: 30000 });

  const document = await (await fetch(`${origin}/api/docs/openapi.json`)).json();
  const expected = {};
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item)) {
      if (operation && operation.operationId)
        (expected[operation.tags[0]] ??= []).push(operation.operationId);
    }
  }

  const sections = await page.$$eval('.opblock-tag-section', (nodes) => nodes.map((node) => ({
    tag: node.querySelector('.opblock-tag').getAttribute('data-tag'),
    operations: node.querySelectorAll('.opblock').length,
  })));
  const tags = sections.map((section) => section.tag);
  const order = tags.map((tag) => surfaces.indexOf(tag));
  ok(tags.every((tag) => surfaces.includes(tag)), 'every group is a surface', tags);
  ok(order.every((rank, i) => i === 0 || rank > order[i - 1]),
    'the groups follow the surfaces\' order', tags);
  ok(Object.keys(expected).every((tag) => tags.includes(tag)),
    'every surface with operations has its group', { tags, expected: Object.keys(expected) });
  ok(sections.every((section) => section.operations === (expected[section.tag] ?? []).length),
    'each group lists every operation of its surface, and only those', { sections, expected });

  // Authorize with the key, then "Try it out" on GET /api/v1/auth.
  await page.click('.btn.authorize');
  await page.fill('input[aria-label="auth-bearer-value"]', key);
  await page.click('.auth-container .btn.modal-btn.auth.authorize');
  await page.click('.btn-done, .modal-ux .close-modal');
  const block = page.locator('#operations-Standard-getAuth');
  await block.locator('.opblock-summary').first().click();
  await block.locator('.try-out__btn').click();
  await block.locator('.execute').click();
  const status = block.locator('.live-responses-table .response .response-col_status').first();
  await status.waitFor({ timeout: 30000 });
  const code = (await status.textContent()).trim();
  const body = await block.locator('.live-responses-table .response-col_description pre').first()
    .textContent();
  ok(code === '200', '"Try it out" on GET /api/v1/auth with the key answers 200', code);
  ok(body.includes('"authenticated": true'), 'and says the key is valid', body);

  ok(foreign.length === 0, 'nothing was requested outside the runtime', foreign);
  ok(problems.length === 0, 'no script error and no Content-Security-Policy violation', problems);
} catch (error) {
  ok(false, `the browser session failed: ${error.message}`);
} finally {
  await browser.close();
  child.kill('SIGTERM');
}

console.log(`1..${count}`);
process.exit(failed ? 1 : 0);
