// SPDX-License-Identifier: GPL-3.0-or-later
// What identifying a local app costs: GET /sdk/ping in production mode (x-app-id: registry
// lookup + the kernel's answer on who owns the client socket) against the same route in
// development mode (an API key: checksum + digest lookup, no peer check), with IDLE other
// loopback connections open so that the kernel's socket tables are not trivially small.
// Sequential requests on one keep-alive connection; medians of ROUNDS, after warm-up.
//
//   IDLE=1000 ROUNDS=2000 tools/with-test-session node bench/sdk-identity.mjs
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import http from 'node:http';

const BINARY = process.env.RTX_BINARY ?? new URL('../build/src/realtimex-runtime', import.meta.url).pathname;
const IDLE = Number(process.env.IDLE ?? 1000);
const ROUNDS = Number(process.env.ROUNDS ?? 2000);
const dataDir = mkdtempSync(join(tmpdir(), 'rtx-bench-identity-'));

const keyOf = (...extra) => execFileSync(BINARY, ['keys', 'create', '--name', 'bench', '--data-dir', dataDir, ...extra],
  { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
const admin = keyOf('--admin');
const user = keyOf();

const server = spawn(BINARY, ['--headless', '--port', '0', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise(resolve => {
  let out = '';
  server.stdout.on('data', d => { out += d; const m = out.match(/:(\d+)\n/); if (m) resolve(Number(m[1])); });
});

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
function get (path, headers) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    http.get({ host: '127.0.0.1', port, path, headers, agent }, res => {
      res.resume();
      res.on('end', () => resolve(Number(process.hrtime.bigint() - t0) / 1e3));
    }).on('error', reject);
  });
}

const created = await fetch(`http://127.0.0.1:${port}/api/v1/local-apps`, {
  method: 'POST', headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' },
  body: JSON.stringify({ name: 'bench' }) });
const appId = (await created.json()).app.id;

const idle = [];
for (let i = 0; i < IDLE; i++)
  idle.push(await new Promise(resolve => { const s = net.connect(port, '127.0.0.1', () => resolve(s)); }));

const modes = {
  production: { 'x-app-id': appId },
  development: { Authorization: `Bearer ${user}` },
};
const samples = { production: [], development: [] };
for (let i = 0; i < 200; i++)
  for (const headers of Object.values(modes)) await get('/sdk/ping', headers);
for (let i = 0; i < ROUNDS; i++)
  for (const [mode, headers] of Object.entries(modes)) samples[mode].push(await get('/sdk/ping', headers));

const median = a => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };
const p99 = a => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length * 0.99)]; };
const prod = median(samples.production), dev = median(samples.development);
console.log(`idle connections: ${IDLE}, rounds: ${ROUNDS}`);
console.log(`development (key)   median ${dev.toFixed(1)} µs  p99 ${p99(samples.development).toFixed(1)} µs`);
console.log(`production (app id) median ${prod.toFixed(1)} µs  p99 ${p99(samples.production).toFixed(1)} µs`);
console.log(`ratio production/development: ${(prod / dev).toFixed(2)}×`);

for (const s of idle) s.destroy();
agent.destroy();
server.kill('SIGTERM');
await new Promise(resolve => server.on('exit', resolve));
rmSync(dataDir, { recursive: true, force: true });
