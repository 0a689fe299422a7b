// SPDX-License-Identifier: GPL-3.0-or-later
// A real headless runtime for interop tests: the binary meson built (RTX_BINARY), a data dir
// under $RTX_TEST_ROOT/data, keys made with its own command line and recorded in
// $RTX_TEST_ROOT/keys/ for the final secret sweep, and a server on a free port.
import { spawn, execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, createWriteStream } from 'node:fs';
import { join } from 'node:path';

const BINARY = process.env.RTX_BINARY;
const ROOT = process.env.RTX_TEST_ROOT;
let counter = 0;

export class Runtime {
  constructor (name) {
    if (!BINARY || !ROOT)
      throw new Error('RTX_BINARY and RTX_TEST_ROOT are set by tests/meson.build');
    this.name = name;
    this.dataDir = join(ROOT, 'data', `interop-${name}-${process.pid}-${++counter}`);
    this.logDir = join(ROOT, 'logs');
    mkdirSync(this.dataDir, { recursive: true, mode: 0o700 });
    mkdirSync(this.logDir, { recursive: true });
    mkdirSync(join(ROOT, 'keys'), { recursive: true });
  }

  // Creates a key with the runtime's command line; it is recorded for the secret sweep.
  createKey (keyName, { admin = false } = {}) {
    const args = ['keys', 'create', '--name', keyName, '--data-dir', this.dataDir];
    if (admin)
      args.push('--admin');
    const key = execFileSync(BINARY, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    appendFileSync(join(ROOT, 'keys', `interop-${process.pid}.txt`), key + '\n');
    return key;
  }

  // `env`: variables added to the runtime's environment (e.g. RTX_LLM_* for a model).
  async start (env = {}) {
    const log = createWriteStream(join(this.logDir, `interop-${this.name}-${process.pid}.log`));
    this.process = spawn(BINARY, ['--headless', '--port', '0', '--data-dir', this.dataDir],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    this.process.stderr.pipe(log);
    this.exited = new Promise(resolve => this.process.on('exit', code => resolve(code)));
    this.port = await new Promise((resolve, reject) => {
      let out = '';
      this.process.stdout.on('data', chunk => {
        out += chunk;
        const match = out.match(/Listening on http:\/\/127\.0\.0\.1:(\d+)/);
        if (match)
          resolve(Number(match[1]));
      });
      this.process.on('exit', code => reject(new Error(`runtime exited with ${code}`)));
    });
    this.url = `http://127.0.0.1:${this.port}`;
    return this;
  }

  async stop () {
    if (this.process && this.process.exitCode === null) {
      this.process.kill('SIGTERM');
      await this.exited;
    }
  }

  // A JSON call with a key; resolves to { status, body }.
  async call (method, path, { key, body, headers = {} } = {}) {
    const init = { method, headers: { ...headers } };
    if (key)
      init.headers.Authorization = `Bearer ${key}`;
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const response = await fetch(this.url + path, init);
    return { status: response.status, body: await response.json() };
  }
}

// Polls fn() until it returns a truthy value (or throws after `timeout` ms).
export async function waitFor (fn, { timeout = 10000, interval = 25 } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await fn();
    if (value)
      return value;
    if (Date.now() > deadline)
      throw new Error('timed out waiting');
    await new Promise(resolve => setTimeout(resolve, interval));
  }
}
