// SPDX-License-Identifier: GPL-3.0-or-later
// The unmodified @realtimex/sdk 1.2.4, module llm.vectors and the embedAndStore/search helpers,
// against a real headless runtime (built-in embedder), in development and production mode; and
// the isolation of one app's namespaces from another's.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { SdkWorld } from './lib/sdk-apps.mjs';

let world;

before(async () => {
  world = await new SdkWorld('sdk-vectors').start();
});

after(async () => {
  await world.stop();
});

const VECTORS = ['llm.embed', 'vectors.read', 'vectors.write'];
const NOTES = [
  'The invoice for March was paid by bank transfer on the fifth.',
  'Our cat Mimi likes to sleep on the warm laptop keyboard.',
  'The train to Lyon leaves from platform nine at eight in the morning.',
];

for (const mode of ['development', 'production']) {
  const client = async (name) => mode === 'development'
    ? world.dev() : world.app(await world.grantedApp(name, VECTORS));

  test(`${mode}: embedAndStore, search, filter by document, vectors.delete`, async () => {
    const sdk = await client('Notes');
    const workspaceId = `notes-${mode}`;
    const stored = await sdk.llm.embedAndStore({ texts: NOTES, documentId: 'diary', workspaceId });
    assert.equal(stored.success, true);
    assert.equal(stored.upserted, 3);
    assert.match(stored.namespace, new RegExp(`^sdk_.+_${workspaceId}$`));
    await sdk.llm.embedAndStore({ texts: ['The invoice for April is still open.'],
      documentId: 'ledger', workspaceId, idPrefix: 'ledger' });

    const hits = await sdk.llm.search('When was the March invoice paid?', { workspaceId, topK: 2 });
    assert.equal(hits.length, 2);
    assert.equal(hits[0].metadata.text, NOTES[0]);
    assert.ok(hits[0].score > hits[1].score);
    assert.equal(hits[0].metadata.documentId, 'diary');
    assert.equal(hits[0].metadata.embeddingModel, 'rtx-hashed-ngrams-384');

    const train = await sdk.llm.search('train platform Lyon', { workspaceId, topK: 1 });
    assert.equal(train[0].metadata.text, NOTES[2]);

    const ledgerOnly = await sdk.llm.search('invoice', { workspaceId, topK: 5,
      filter: { documentId: 'ledger' } });
    assert.deepEqual(ledgerOnly.map(h => h.id), ['ledger_0']);

    assert.ok((await sdk.llm.vectors.listWorkspaces()).workspaces.includes(workspaceId));
    const deleted = await sdk.llm.vectors.delete({ deleteAll: true, workspaceId });
    assert.equal(deleted.deleted, 4);
    assert.deepEqual(await sdk.llm.search('invoice', { workspaceId }), []);
    assert.ok(!(await sdk.llm.vectors.listWorkspaces()).workspaces.includes(workspaceId));
  });

  test(`${mode}: upsert and query raw vectors: cosine order, topK, replace, dimensions`, async () => {
    const sdk = await client('Raw');
    const workspaceId = `raw-${mode}`;
    const v = sdk.llm.vectors;
    await v.upsert([
      { id: 'x', vector: [1, 0, 0], metadata: { axis: 'x' } },
      { id: 'y', vector: [0, 2, 0], metadata: { axis: 'y' } },
      { id: 'xy', vector: [1, 1, 0] },
    ], { workspaceId });
    const { results } = await v.query([1, 0.1, 0], { workspaceId, topK: 2 });
    assert.deepEqual(results.map(r => r.id), ['x', 'xy']);
    assert.ok(Math.abs(results[0].score - 1 / Math.hypot(1, 0.1)) < 1e-5);
    assert.deepEqual(results[0].metadata, { axis: 'x' });

    // The same id replaces the vector.
    await v.upsert([{ id: 'x', vector: [0, 0, 1] }], { workspaceId });
    const after = await v.query([1, 0.1, 0], { workspaceId, topK: 3 });
    assert.deepEqual(after.results.map(r => r.id), ['xy', 'y', 'x']);

    await assert.rejects(v.upsert([{ id: 'z', vector: [1, 2] }], { workspaceId }), /dimension 3/);
    await assert.rejects(v.query([1, 2], { workspaceId }), /dimension 3/);
    await assert.rejects(v.upsert([{ id: 'bad', vector: ['a'] }], { workspaceId }),
      /“vectors\[0\]\.vector\[0\]” must be a number/);
    await assert.rejects(v.delete({ workspaceId }), /deleteAll/);
    assert.equal((await v.query([1, 0, 0], { workspaceId: 'empty-one' })).results.length, 0);
    await v.delete({ deleteAll: true, workspaceId });
  });

  test(`${mode}: providers, registerConfig and getConfig`, async () => {
    const sdk = await client('Configurer');
    const { providers } = await sdk.llm.vectors.listProviders();
    assert.deepEqual(providers.map(p => p.name), ['sqlite']);
    assert.equal((await sdk.llm.vectors.getConfig()).provider, 'sqlite');
    const registered = await sdk.llm.vectors.registerConfig('sqlite',
      { table: 'mine', apiKey: 'not-a-real-secret' });
    assert.equal(registered.success, true);
    const config = await sdk.llm.vectors.getConfig();
    assert.deepEqual(config.config, { table: 'mine', apiKey: '********' });
    await assert.rejects(sdk.llm.vectors.registerConfig('pinecone', {}), /Unknown vector provider/);
    assert.equal((await sdk.llm.vectors.registerConfig('lancedb', {})).success, true);
  });
}

test('isolation: two apps, and a key, never see each other\'s namespaces', async () => {
  const a = world.app(await world.grantedApp('App A', VECTORS));
  const b = world.app(await world.grantedApp('App B', VECTORS));
  const dev = world.dev();
  for (const [sdk, secret] of [[a, 'alpha'], [b, 'beta'], [dev, 'gamma']])
    await sdk.llm.vectors.upsert([{ id: 'same-id', vector: [1, 0], metadata: { secret } }],
      { workspaceId: 'shared' });

  for (const [sdk, secret] of [[a, 'alpha'], [b, 'beta'], [dev, 'gamma']]) {
    const { results } = await sdk.llm.vectors.query([1, 0], { workspaceId: 'shared', topK: 10 });
    assert.deepEqual(results.map(r => r.metadata.secret), [secret]);
    // Naming the namespace in a filter reaches nothing else either.
    const viaFilter = await sdk.llm.vectors.query([1, 0],
      { topK: 10, filter: { workspaceId: 'shared' } });
    assert.deepEqual(viaFilter.results.map(r => r.metadata.secret), [secret]);
  }

  // A's delete empties A's namespace only.
  assert.equal((await a.llm.vectors.delete({ deleteAll: true, workspaceId: 'shared' })).deleted, 1);
  assert.equal((await a.llm.vectors.query([1, 0], { workspaceId: 'shared' })).results.length, 0);
  assert.equal((await b.llm.vectors.query([1, 0], { workspaceId: 'shared' })).results.length, 1);
  assert.ok(!(await a.llm.vectors.listWorkspaces()).workspaces.includes('shared'));
  assert.ok((await b.llm.vectors.listWorkspaces()).workspaces.includes('shared'));

  // A workspace id cannot smuggle another namespace in.
  await assert.rejects(a.llm.vectors.query([1, 0], { workspaceId: '../B_shared' }), /workspaceId/);
});

test('production: vectors.write is asked for before the first upsert', async () => {
  const app = await world.grantedApp('Late asker', ['vectors.read']);
  const sdk = world.app(app);
  const upserting = sdk.llm.vectors.upsert([{ id: 'a', vector: [1] }]);
  assert.equal((await world.answerNextPrompt(true)).permission, 'vectors.write');
  assert.equal((await upserting).upserted, 1);
});

// embedAndStore sends all of a document's chunks in one upsert, which is soon larger than the
// 1 MiB most JSON routes take: the upsert route takes up to 16 MiB.
test('development: a long document goes in one upsert of more than 1 MiB', async () => {
  const sdk = world.dev();
  const workspaceId = 'long-report';
  const texts = Array.from({ length: 800 },
    (_, i) => `Section ${i} of the yearly report covers region ${i % 13} and item ${i * 7}.`);
  const { embeddings } = await sdk.llm.embed(texts);
  const body = JSON.stringify({
    vectors: texts.map((text, i) => ({ id: `chunk_${i}`, vector: embeddings[i],
      metadata: { text, documentId: 'report' } })),
    workspaceId,
  });
  assert.ok(body.length > 1024 * 1024, `${body.length} bytes`);

  const stored = await sdk.llm.embedAndStore({ texts, documentId: 'report', workspaceId });
  assert.equal(stored.upserted, 800);
  const { results } = await sdk.llm.vectors.query(embeddings[123], { workspaceId, topK: 1 });
  assert.equal(results[0].metadata.text, texts[123]);
  assert.equal((await sdk.llm.vectors.delete({ deleteAll: true, workspaceId })).deleted, 800);
});
