// SPDX-License-Identifier: GPL-3.0-or-later
// Does a large JSON body stall the server? A registered local app (x-app-id, vectors.write
// granted through the admin routes) sends vector upserts of about 16 MiB (the route's cap),
// one after the other, while a second client (its own thread and keep-alive connection) asks
// GET /api/ping every 5 ms. Ping latency during the uploads is compared with ping latency of
// the same runtime, same client, same run, with no upload (the peer): median, p99 and max,
// and their ratios.
//
//   tools/with-test-session node bench/big-body.mjs   (after ./tools/test or meson compile)
//   env: UPLOADS (8), IDLE_SECONDS (5), DIM (384), RTX_BINARY
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

const PING_EVERY_MS = 5;

// ---- The pinger (a worker thread, so that building and sending the uploads never delays it)

if (!isMainThread) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const ping = () => new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    http.get({ host: '127.0.0.1', port: workerData.port, path: '/api/ping', agent }, (res) => {
      res.resume();
      res.on('end', () => res.statusCode === 200
        ? resolve(Number(process.hrtime.bigint() - t0) / 1e6)
        : reject(new Error(`ping: ${res.statusCode}`)));
    }).on('error', reject);
  });
  let phase = null;
  let samples = [];
  let since = Date.now();
  parentPort.on('message', (message) => {
    if (message.stop) {
      parentPort.postMessage({ phase, samples, seconds: (Date.now() - since) / 1000 });
      phase = message.next ?? null;
      samples = [];
      if (message.exit)
        process.exit(0);
    } else {
      phase = message.start;
    }
    since = Date.now();
  });
  for (;;) {
    const started = Date.now();
    if (phase !== null)
      samples.push(await ping());
    await new Promise(resolve => setTimeout(resolve, Math.max(0, PING_EVERY_MS - (Date.now() - started))));
  }
}

// ---- The uploads, from the main thread

const here = path.dirname(fileURLToPath(import.meta.url));
const BINARY = process.env.RTX_BINARY ?? path.join(here, '..', 'build', 'src', 'realtimex-runtime');
const UPLOADS = Number(process.env.UPLOADS ?? 8);
const IDLE_SECONDS = Number(process.env.IDLE_SECONDS ?? 5);
const DIM = Number(process.env.DIM ?? 384);
const MAX_BODY = 16 * 1024 * 1024;

function startRuntime (dataDir) {
  return new Promise((resolve, reject) => {
    const child = spawn(BINARY, ['--headless', '--port', '0', '--data-dir', dataDir],
      { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/Listening on http:\/\/127\.0\.0\.1:(\d+)/);
      if (m) resolve({ port: Number(m[1]), child });
    });
    child.once('exit', (code) => reject(new Error(`runtime exited ${code}`)));
  });
}

async function call (port, method, route, headers, body) {
  const response = await fetch(`http://127.0.0.1:${port}${route}`, {
    method, body, headers: { 'Content-Type': 'application/json', ...headers },
  });
  const reply = await response.json();
  if (response.status !== 200 && response.status !== 201)
    throw new Error(`${method} ${route}: ${response.status} ${JSON.stringify(reply)}`);
  return reply;
}

// Unit vectors with six decimals and a little metadata each, as many as fit under the cap:
// what the SDK's embedAndStore sends for one long document.
function bigBody () {
  let seed = 1;
  const next = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  const entries = [];
  let size = 64;
  for (let i = 0; ; i++) {
    const vector = Array.from({ length: DIM }, () => Number((next() * 2 - 1).toFixed(6)));
    const entry = JSON.stringify({ id: `chunk_${i}`, vector,
      metadata: { documentId: 'big-doc', text: `Chunk ${i} of a long document.` } });
    if (size + entry.length + 1 > MAX_BODY - 64)
      break;
    entries.push(entry);
    size += entry.length + 1;
  }
  return { text: `{"workspaceId":"bench","vectors":[${entries.join(',')}]}`, count: entries.length };
}

function stats (samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  return { n: sorted.length, median: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] };
}

// Pings answered per second of the phase: a stalled server answers few, however fast each.
function rate (result) {
  return result.samples.length / result.seconds;
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rtx-bench-big-body-'));
const created = spawnSync(BINARY, ['keys', 'create', '--admin', '--name', 'bench', '--data-dir', dataDir],
  { encoding: 'utf8' });
if (created.status !== 0)
  throw new Error(`keys create failed: ${created.stderr}`);
const adminKey = created.stdout.trim();
const runtime = await startRuntime(dataDir);
const admin = { Authorization: `Bearer ${adminKey}` };

try {
  const { app } = await call(runtime.port, 'POST', '/api/v1/local-apps', admin,
    JSON.stringify({ name: 'big-body bench' }));
  await call(runtime.port, 'POST', `/api/v1/local-apps/${app.id}/permissions`, admin,
    JSON.stringify({ permission: 'vectors.write', state: 'granted' }));

  const body = bigBody();
  const pinger = new Worker(fileURLToPath(import.meta.url), { workerData: { port: runtime.port } });
  const results = [];
  pinger.on('message', (m) => results.push(m));
  const collected = (n) => new Promise(resolve => {
    const poll = () => results.length >= n ? resolve() : setTimeout(poll, 10);
    poll();
  });

  console.log(`runtime ${BINARY}; ${UPLOADS} uploads of ${body.text.length} bytes ` +
              `(${body.count} vectors of ${DIM} dimensions), ping every ${PING_EVERY_MS} ms; ` +
              `load ${os.loadavg()[0].toFixed(2)} on ${os.cpus().length} CPUs`);

  // Warm-up: the first upload creates the namespace; then the idle pings (the peer).
  await call(runtime.port, 'POST', '/sdk/llm/vectors/upsert', { 'x-app-id': app.id }, body.text);
  pinger.postMessage({ start: 'idle' });
  await new Promise(resolve => setTimeout(resolve, IDLE_SECONDS * 1000));
  pinger.postMessage({ stop: true, next: 'uploads' });

  const uploadTimes = [];
  for (let i = 0; i < UPLOADS; i++) {
    const t0 = process.hrtime.bigint();
    const reply = await call(runtime.port, 'POST', '/sdk/llm/vectors/upsert', { 'x-app-id': app.id },
      body.text);
    uploadTimes.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (reply.upserted !== body.count)
      throw new Error(`upserted ${reply.upserted}, expected ${body.count}`);
  }
  pinger.postMessage({ stop: true, exit: true });
  await collected(2);

  const idleRun = results.find(r => r.phase === 'idle');
  const busyRun = results.find(r => r.phase === 'uploads');
  const idle = stats(idleRun.samples);
  const busy = stats(busyRun.samples);
  const up = stats(uploadTimes);
  const f = (x) => `${x.toFixed(2)} ms`;
  console.log('| /api/ping | pings | answered/s | median | p99 | max |');
  console.log('|---|---|---|---|---|---|');
  console.log(`| no upload (peer) | ${idle.n} | ${rate(idleRun).toFixed(0)} | ${f(idle.median)} | ` +
              `${f(idle.p99)} | ${f(idle.max)} |`);
  console.log(`| during 16 MiB uploads | ${busy.n} | ${rate(busyRun).toFixed(0)} | ${f(busy.median)} | ` +
              `${f(busy.p99)} | ${f(busy.max)} |`);
  console.log(`| ratio | | ${(rate(busyRun) / rate(idleRun)).toFixed(2)}× | ` +
              `${(busy.median / idle.median).toFixed(2)}× | ${(busy.p99 / idle.p99).toFixed(2)}× | ` +
              `${(busy.max / idle.max).toFixed(2)}× |`);
  console.log(`upload round trip: median ${f(up.median)}, max ${f(up.max)}`);
} finally {
  runtime.child.kill('SIGTERM');
  fs.rmSync(dataDir, { recursive: true, force: true });
}
