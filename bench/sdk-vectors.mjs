// SPDX-License-Identifier: GPL-3.0-or-later
// Benchmark of issue 9 (bench/RESULTS.md): vector upsert and query through the SDK routes
// (/sdk/llm/vectors/upsert and /query, development mode), at 10k and 100k vectors in one
// namespace: vectors per second, query p50/p99. Peer, in the same run and on the same data:
// an exact top-k scan in this Node.js process over one Float32Array (no HTTP, no JSON), which
// is also the reference the runtime's answers are checked against (top-1 must agree).
// Run: tools/with-test-session node bench/sdk-vectors.mjs   (after ./tools/test or meson compile)
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const BINARY = process.env.RTX_BINARY ?? path.join(root, 'build', 'src', 'realtimex-runtime');
const SIZES = (process.env.SIZES ?? '10000,100000').split(',').map(Number);
const DIM = Number(process.env.DIM ?? 384);
const BATCH = Number(process.env.BATCH ?? 1000);
const QUERIES = Number(process.env.QUERIES ?? 200);
const TOP_K = 10;

// A small deterministic generator, so that runs are comparable.
function rng (seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6D2B79F5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomVectors (n, seed) {
  const next = rng(seed);
  const data = new Float32Array(n * DIM);
  for (let i = 0; i < n; i++) {
    let norm = 0;
    for (let d = 0; d < DIM; d++) {
      const v = next() * 2 - 1;
      data[i * DIM + d] = v;
      norm += v * v;
    }
    norm = Math.sqrt(norm);
    // Six decimals: what goes over the wire is exactly what the peer scans.
    for (let d = 0; d < DIM; d++)
      data[i * DIM + d] = Number((data[i * DIM + d] / norm).toFixed(6));
  }
  return data;
}

function row (data, i) {
  return Array.from(data.subarray(i * DIM, (i + 1) * DIM));
}

function percentile (sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

function startRuntime (dataDir) {
  return new Promise((resolve, reject) => {
    const child = spawn(BINARY, ['--headless', '--port', '0', '--data-dir', dataDir],
      { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/Listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) resolve({ url: m[1], child });
    });
    child.once('exit', (code) => reject(new Error(`runtime exited ${code}`)));
  });
}

async function call (url, key, path, body) {
  const response = await fetch(url + path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${key}` },
    body,
  });
  const reply = await response.json();
  if (!reply.success)
    throw new Error(`${path}: ${JSON.stringify(reply)}`);
  return reply;
}

// The peer: exact cosine top-k over the Float32Array (vectors are unit length).
function scan (data, n, query) {
  const best = [];
  for (let i = 0; i < n; i++) {
    let dot = 0;
    const base = i * DIM;
    for (let d = 0; d < DIM; d++)
      dot += data[base + d] * query[d];
    if (best.length < TOP_K || dot > best[best.length - 1].score) {
      best.push({ id: i, score: dot });
      best.sort((a, b) => b.score - a.score);
      if (best.length > TOP_K)
        best.pop();
    }
  }
  return best;
}

async function measure (url, key, n) {
  const workspaceId = `bench-${n}`;
  const data = randomVectors(n, n);
  const queries = randomVectors(QUERIES, n + 1);

  let started = process.hrtime.bigint();
  for (let i = 0; i < n; i += BATCH) {
    const vectors = [];
    for (let j = i; j < Math.min(n, i + BATCH); j++)
      vectors.push({ id: `v${j}`, vector: row(data, j), metadata: { documentId: `doc${j % 100}` } });
    await call(url, key, '/sdk/llm/vectors/upsert', JSON.stringify({ vectors, workspaceId }));
  }
  const upsertSeconds = Number(process.hrtime.bigint() - started) / 1e9;

  const runtimeTimes = [];
  const peerTimes = [];
  let agree = 0;
  for (let q = 0; q < QUERIES; q++) {
    const query = row(queries, q);
    const body = JSON.stringify({ vector: query, topK: TOP_K, workspaceId });
    started = process.hrtime.bigint();
    const { results } = await call(url, key, '/sdk/llm/vectors/query', body);
    runtimeTimes.push(Number(process.hrtime.bigint() - started) / 1e6);

    const q32 = queries.subarray(q * DIM, (q + 1) * DIM);
    started = process.hrtime.bigint();
    const expected = scan(data, n, q32);
    peerTimes.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (results[0].id === `v${expected[0].id}`)
      agree++;
  }
  runtimeTimes.sort((a, b) => a - b);
  peerTimes.sort((a, b) => a - b);

  return {
    n,
    upsertPerSecond: n / upsertSeconds,
    p50: percentile(runtimeTimes, 0.5),
    p99: percentile(runtimeTimes, 0.99),
    peerP50: percentile(peerTimes, 0.5),
    peerP99: percentile(peerTimes, 0.99),
    agree,
  };
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rtx-bench-vectors-'));
const created = spawnSync(BINARY, ['keys', 'create', '--name', 'bench', '--data-dir', dataDir],
  { encoding: 'utf8' });
if (created.status !== 0)
  throw new Error(`keys create failed: ${created.stderr}`);
const key = created.stdout.trim();
const runtime = await startRuntime(dataDir);

try {
  console.log(`dim ${DIM}, batches of ${BATCH}, ${QUERIES} queries, topK ${TOP_K}, ` +
              `load ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs`);
  console.log('| vectors | upsert vectors/s | query p50 | query p99 | peer scan p50 | peer scan p99 | p50 ratio | top-1 agreement |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const n of SIZES) {
    const r = await measure(runtime.url, key, n);
    console.log(`| ${n} | ${Math.round(r.upsertPerSecond)} | ${r.p50.toFixed(2)} ms | ${r.p99.toFixed(2)} ms | ` +
                `${r.peerP50.toFixed(2)} ms | ${r.peerP99.toFixed(2)} ms | ${(r.p50 / r.peerP50).toFixed(2)}× | ` +
                `${r.agree}/${QUERIES} |`);
  }
} finally {
  runtime.child.kill('SIGTERM');
  fs.rmSync(dataDir, { recursive: true, force: true });
}
