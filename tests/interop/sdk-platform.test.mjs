// SPDX-License-Identifier: GPL-3.0-or-later
// The unmodified @realtimex/sdk 1.2.4, modules api, activities, webhook and task, against a real
// headless runtime, in development mode (an API key) and production mode (a registered app with
// its permissions granted, or asked for and answered through the admin routes).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { PermissionDeniedError } from '@realtimex/sdk';

import { SdkWorld, waitFor } from './lib/sdk-apps.mjs';

let world;

before(async () => {
  world = await new SdkWorld('sdk-platform').start();
  await world.admin('POST', '/api/v1/workspace/new', { name: 'Inbox' });
  await world.admin('POST', '/api/v1/workspace/inbox/thread/new', { name: 'Triage', slug: 'triage' });
  await world.admin('POST', '/api/v1/agents', {
    name: 'Mail sorter',
    description: 'Sorts incoming mail',
    systemPrompt: 'You sort mail into folders.',
    workspaceSlug: 'inbox',
  });
});

after(async () => {
  await world.stop();
});

const ALL_API = ['api.agents', 'api.workspaces', 'api.threads', 'api.task'];

for (const mode of ['development', 'production']) {
  const client = async (name, permissions) => mode === 'development'
    ? world.dev()
    : world.app(await world.grantedApp(name, permissions));

  test(`${mode}: the platform API lists agents, workspaces and threads`, async () => {
    const sdk = await client('Platform reader', ALL_API);
    const agents = await sdk.api.getAgents();
    assert.deepEqual(agents.map(a => [a.slug, a.name, a.description]),
      [['mail-sorter', 'Mail sorter', 'Sorts incoming mail']]);

    const workspaces = await sdk.api.getWorkspaces();
    assert.equal(workspaces.length, 1);
    assert.equal(workspaces[0].slug, 'inbox');
    assert.equal(typeof workspaces[0].id, 'number');
    assert.ok(!Number.isNaN(Date.parse(workspaces[0].created_at)));

    const threads = await sdk.api.getThreads('inbox');
    assert.ok(threads.some(t => t.slug === 'triage' && t.name === 'Triage'));
    await assert.rejects(sdk.api.getThreads('no-such-workspace'), /No workspace/);
    await assert.rejects(sdk.api.getTask('00000000-0000-4000-8000-00000000dead'), /Task not found/);
  });

  test(`${mode}: activities CRUD, with JSON bodies throughout`, async () => {
    const sdk = await client('Activity keeper', ['activities.read', 'activities.write']);
    const inserted = await sdk.activities.insert({ subject: `Invoice ${mode}`, amount: 42 });
    assert.equal(inserted.status, 'pending');
    assert.deepEqual(inserted.raw_data, { subject: `Invoice ${mode}`, amount: 42 });

    const claimed = await sdk.activities.update(inserted.id, { status: 'claimed', locked_by: 'worker-1' });
    assert.equal(claimed.status, 'claimed');
    assert.equal(claimed.locked_by, 'worker-1');
    assert.ok(claimed.locked_at);

    const done = await sdk.activities.update(inserted.id,
      { status: 'completed', result: { folder: 'bills' }, raw_data: { subject: 'Paid' } });
    assert.equal(done.status, 'completed');
    assert.deepEqual(done.result, { folder: 'bills' });
    assert.deepEqual(done.old_data, { subject: `Invoice ${mode}`, amount: 42 });
    assert.ok(done.completed_at);

    assert.deepEqual(await sdk.activities.get(inserted.id), done);
    const completed = await sdk.activities.list({ status: 'completed', limit: 10 });
    assert.ok(completed.some(a => a.id === inserted.id));
    assert.ok(!(await sdk.activities.list({ status: 'pending' })).some(a => a.id === inserted.id));

    // Refused by the operation's schema before the handler runs; the error names the field
    // and the value, and the activity is unchanged.
    await assert.rejects(sdk.activities.update(inserted.id, { status: 'lost' }),
      /“status” must be one of \["pending","claimed","completed","failed"\], not "lost"/);
    assert.deepEqual(await sdk.activities.get(inserted.id), done);
    await sdk.activities.delete(inserted.id);
    assert.equal(await sdk.activities.get(inserted.id), null, 'a missing id reads as null');
    await assert.rejects(sdk.activities.delete(inserted.id), /Activity not found/);
  });

  test(`${mode}: a webhook trigger whose task the app starts and completes`, async () => {
    const sdk = await client('Task runner', ['webhook.trigger', 'api.task']);
    const pong = await sdk.webhook.ping();
    assert.equal(pong.success, true);

    const trigger = await sdk.webhook.triggerAgent({
      raw_data: { from: 'ann@example.com', subject: 'Quarterly invoice' },
      agent_name: 'mail-sorter',
      workspace_slug: 'inbox',
    });
    assert.equal(trigger.success, true);
    assert.match(trigger.task_uuid, /^[0-9a-f-]{36}$/);
    assert.match(trigger.calendar_event_uuid, /^[0-9a-f-]{36}$/);
    assert.equal(trigger.auto_run, false);

    let task = await sdk.api.getTask(trigger.task_uuid);
    assert.equal(task.status, 'pending');
    assert.equal(task.action_type, 'SDK_TRIGGER');
    assert.deepEqual(task.runs, []);

    const started = await sdk.task.start(trigger.task_uuid, 'machine-7');
    assert.deepEqual([started.success, started.status], [true, 'processing']);
    assert.equal((await sdk.api.getTask(trigger.task_uuid)).status, 'processing');

    const completed = await sdk.task.complete(trigger.task_uuid, { sorted: 1 });
    assert.deepEqual([completed.success, completed.status], [true, 'completed']);
    task = await sdk.api.getTask(trigger.task_uuid);
    assert.equal(task.status, 'completed');
    await assert.rejects(sdk.task.fail(trigger.task_uuid, 'too late'), /already completed/);
  });

  test(`${mode}: trigger-agent with auto_run runs the agent in a new thread`, async () => {
    const sdk = await client('Auto runner', ['webhook.trigger', 'api.task', 'api.threads']);
    const before = (await sdk.api.getThreads('inbox')).length;
    const trigger = await sdk.webhook.triggerAgent({
      raw_data: { order: 'A-1001', note: 'Ship the parcel to Lyon' },
      auto_run: true,
      agent_name: 'mail-sorter',
      workspace_slug: 'inbox',
      thread_slug: 'create_new',
      prompt: 'File this order',
    });
    assert.equal(trigger.auto_run, true);
    const threads = await sdk.api.getThreads('inbox');
    assert.equal(threads.length, before + 1);

    const task = await waitFor(async () => {
      const t = await sdk.api.getTask(trigger.task_uuid);
      return t.runs.length === 1 && t.runs[0].status !== 'running' && t;
    });
    assert.equal(task.runs[0].status, 'completed');
    assert.equal(task.runs[0].agent_name, 'mail-sorter');
    assert.equal(task.runs[0].thread_slug, trigger.thread_slug);
    assert.equal(task.thread_slug, trigger.thread_slug, 'create_new became the new thread');

    // The run's exchange is in that thread, with the prompt and the raw data.
    const { history } = await world.admin('GET',
      `/api/v1/workspace/inbox/thread/${trigger.thread_slug}/chats`);
    const asked = history.find(h => h.role === 'user');
    assert.match(asked.content, /File this order/);
    assert.match(asked.content, /Ship the parcel to Lyon/);
    assert.ok(history.some(h => h.role === 'assistant' && h.content.length > 0));
  });

  test(`${mode}: unknown events and bad payloads are 400`, async () => {
    const sdk = await client('Bad sender', ['webhook.trigger']);
    // The SDK has no call for an unknown event; send one as it would.
    const headers = { 'Content-Type': 'application/json', ...(mode === 'development'
      ? { Authorization: `Bearer ${world.devKey}` } : { 'x-app-id': sdk.appId }) };
    const response = await fetch(`${world.runtime.url}/webhooks/realtimex`, {
      method: 'POST', headers, body: JSON.stringify({ app_id: '', event: 'task-explode' }),
    });
    assert.equal(response.status, 400);
    const refusal = await response.json();
    assert.equal(refusal.success, false);
    assert.equal(refusal.code, 'VALIDATION_ERROR');
    assert.match(refusal.error,
      /“event” must be one of \["trigger-agent","ping","task-start","task-complete","task-fail"\], not "task-explode"/);
    await assert.rejects(sdk.task.start('00000000-0000-4000-8000-00000000beef'), /Task not found/);
    await assert.rejects(sdk.webhook.triggerAgent({ agent_name: 'nobody', raw_data: {} }),
      /No agent/);
  });
}

test('production: a task belongs to the app that triggered it', async () => {
  const owner = world.app(await world.grantedApp('Owner', ['webhook.trigger', 'api.task']));
  const other = world.app(await world.grantedApp('Other', ['webhook.trigger', 'api.task']));
  const { task_uuid: uuid } = await owner.webhook.triggerAgent({ raw_data: { n: 1 } });
  await assert.rejects(other.api.getTask(uuid), /Task not found/);
  await assert.rejects(other.task.complete(uuid, {}), /Task not found/);
  assert.equal((await owner.api.getTask(uuid)).status, 'pending');
});

test('production: an ungranted permission is asked for, then the call goes through', async () => {
  const app = await world.grantedApp('Asker', []);
  const sdk = world.app(app);
  const listing = sdk.api.getAgents();
  const request = await world.answerNextPrompt(true);
  assert.equal(request.permission, 'api.agents');
  assert.equal((await listing).length, 1);

  const inserting = sdk.activities.insert({ a: 1 });
  assert.equal((await world.answerNextPrompt(false)).permission, 'activities.write');
  await assert.rejects(inserting, PermissionDeniedError);
  // A stored denial answers at once on the platform routes: no new prompt.
  await assert.rejects(sdk.activities.insert({ a: 2 }), PermissionDeniedError);
  assert.deepEqual(await world.pendingRequests(), []);
});
