// SPDX-License-Identifier: GPL-3.0-or-later
// Helpers of the interop tests: the real binary on a free port, keys made with the real
// command line and recorded for the final secret sweep, data dirs under $RTX_TEST_ROOT.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const BINARY = process.env.RTX_BINARY;
export const TEST_ROOT = process.env.RTX_TEST_ROOT;

let counter = 0;

// A fresh directory each time: mkdtemp's random suffix, because pids are reused across runs
// and the test root is kept between runs for the secret sweep.
export function dataDir(name) {
  const parent = path.join(TEST_ROOT, 'data');
  fs.mkdirSync(parent, { recursive: true, mode: 0o700 });
  return fs.mkdtempSync(path.join(parent, `interop-${name}-${process.pid}-${++counter}-`));
}

// Every secret a test creates goes to this list, so that the sweep can prove none is on disk.
export function recordSecret(secret) {
  const dir = path.join(TEST_ROOT, 'keys');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.appendFileSync(path.join(dir, `interop-${process.pid}.txt`), `${secret}\n`);
}

export function createKey(dir, { admin = false, name = 'interop' } = {}) {
  const args = ['keys', 'create', '--data-dir', dir, '--name', name];
  if (admin) args.push('--admin');
  const r = spawnSync(BINARY, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`keys create failed: ${r.stderr}`);
  const key = r.stdout.trim();
  recordSecret(key);
  return key;
}

// Starts `realtimex-runtime --headless --port 0` on @dir with @env added; resolves with its base URL.
// (--headless: with a display, a plain start would be the desktop app.)
export function startRuntime(dir, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(BINARY, ['--headless', '--port', '0', '--data-dir', dir], {
      env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`runtime did not start: ${err}`)), 15000);
    child.stderr.on('data', (d) => { err += d; });
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/Listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) {
        clearTimeout(timer);
        resolve({
          url: m[1], child, stderr: () => err,
          stop: () => new Promise((done) => {
            if (child.exitCode !== null) { done(); return; }
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
        });
      }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`runtime exited ${code}: ${err}`)); });
  });
}

export async function api(base, key, method, route, body) {
  const res = await fetch(`${base}${route}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* SSE or empty */ }
  return { status: res.status, text, json, headers: res.headers };
}

export function sseEvents(text) {
  return text.split('\n\n').filter((b) => b.startsWith('data: ')).map((b) => b.slice(6));
}

export async function waitFor(predicate, timeoutMs = 5000) {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    if (await predicate()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
}
