// SPDX-License-Identifier: GPL-3.0-or-later
// The unmodified @realtimex/sdk 1.2.4 against a real headless runtime: identity in both modes,
// refusals, data dir, register and permission prompts answered through the admin routes (the
// broker the window's dialog uses), a launched app, and a client of another user.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, chmodSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { RealtimeXSDK } from '@realtimex/sdk';

import { Runtime, waitFor } from './lib/rtx-runtime.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));

// The SDK reads these; a test must say everything itself.
for (const name of ['RTX_APP_ID', 'RTX_APP_NAME', 'RTX_API_KEY', 'RTX_PORT'])
  delete process.env[name];

let runtime, adminKey, userKey;

before(async () => {
  runtime = new Runtime('local-apps');
  adminKey = runtime.createKey('interop admin', { admin: true });
  userKey = runtime.createKey('interop user');
  await runtime.start();
});

after(async () => {
  await runtime.stop();
});

async function createApp (fields) {
  const { status, body } = await runtime.call('POST', '/api/v1/local-apps',
    { key: adminKey, body: fields });
  assert.equal(status, 200, JSON.stringify(body));
  return body.app;
}

async function pendingRequests () {
  const { status, body } = await runtime.call('GET', '/api/v1/local-apps/permission-requests',
    { key: adminKey });
  assert.equal(status, 200);
  return body.requests;
}

async function answer (requestId, granted) {
  const { status, body } = await runtime.call('POST',
    `/api/v1/local-apps/permission-requests/${requestId}`, { key: adminKey, body: { granted } });
  assert.equal(status, 200, JSON.stringify(body));
}

async function decisions (appId) {
  const { body } = await runtime.call('GET', `/api/v1/local-apps/${appId}/permissions`,
    { key: adminKey });
  return Object.fromEntries(body.permissions.map(d => [d.permission, d.state]));
}

function sdkFor (realtimex) {
  return new RealtimeXSDK({ realtimex: { url: runtime.url, ...realtimex } });
}

test('ping in development mode: a valid API key', async () => {
  const pong = await sdkFor({ apiKey: userKey }).ping();
  assert.equal(pong.success, true);
  assert.equal(pong.mode, 'development');
  assert.equal(pong.message, 'pong');
  assert.ok(!Number.isNaN(Date.parse(pong.timestamp)));
});

test('ping in production mode: a registered app id', async () => {
  const app = await createApp({ name: 'Ping app' });
  const pong = await sdkFor({ appId: app.id }).ping();
  assert.equal(pong.mode, 'production');
  assert.equal(pong.appId, app.id);
});

test('key and app id together: the key wins and the app id is echoed', async () => {
  const app = await createApp({ name: 'Both' });
  const pong = await sdkFor({ appId: app.id, apiKey: userKey }).ping();
  assert.equal(pong.mode, 'development');
  assert.equal(pong.appId, app.id);
});

test('no identity: MISSING_APP_ID', async () => {
  await assert.rejects(sdkFor({}).ping(),
    { message: 'Connection failed: Missing required header: x-app-id' });
  const response = await fetch(`${runtime.url}/sdk/ping`);
  assert.equal(response.status, 401);
  assert.equal((await response.json()).code, 'MISSING_APP_ID');
});

test('an unknown app id: INVALID_APP_ID', async () => {
  const unknown = '00000000-0000-4000-8000-000000000000';
  await assert.rejects(sdkFor({ appId: unknown }).ping(),
    { message: `Connection failed: Invalid app ID: ${unknown}` });
  const response = await fetch(`${runtime.url}/sdk/ping`, { headers: { 'x-app-id': unknown } });
  assert.equal(response.status, 401);
  assert.equal((await response.json()).code, 'INVALID_APP_ID');
  // A deleted app's id stops working at once.
  const app = await createApp({ name: 'Short-lived' });
  assert.equal((await sdkFor({ appId: app.id }).ping()).mode, 'production');
  await runtime.call('DELETE', `/api/v1/local-apps/${app.id}`, { key: adminKey });
  await assert.rejects(sdkFor({ appId: app.id }).ping(), /Invalid app ID/);
});

test('getAppDataDir creates local-apps/<identity> in both modes', async () => {
  const app = await createApp({ name: 'Data app' });
  const dir = await sdkFor({ appId: app.id }).getAppDataDir();
  assert.equal(dir, join(runtime.dataDir, 'local-apps', app.id));
  assert.ok(statSync(dir).isDirectory());
  assert.equal(statSync(dir).mode & 0o777, 0o700);

  const devDir = await sdkFor({ apiKey: userKey }).getAppDataDir();
  assert.match(devDir, /\/local-apps\/dev-\d+$/);
  assert.ok(statSync(devDir).isDirectory());
  assert.ok(!devDir.includes(userKey));
});

test('a leading // in the path is read as / (the SDK\'s trailing-slash bug)', async () => {
  const response = await fetch(`${runtime.url}//sdk/ping`,
    { headers: { Authorization: `Bearer ${userKey}` } });
  assert.equal(response.status, 200);
  assert.equal((await response.json()).mode, 'development');
});

test('register: one prompt for the undecided permissions, answered through the admin routes',
  async () => {
    const app = await createApp({ name: 'Registering app' });
    const sdk = sdkFor({ appId: app.id, appName: 'Claimed name' });
    assert.deepEqual(await pendingRequests(), []);

    const registered = sdk.register(['llm.chat', 'vectors.read', 'llm.chat']);
    const [request] = await waitFor(async () => {
      const requests = await pendingRequests();
      return requests.length > 0 && requests;
    });
    const requests = await pendingRequests();
    assert.equal(requests.length, 1, 'exactly one prompt for one register call');
    assert.equal(request.app_id, app.id);
    assert.equal(request.app_name, 'Registering app', 'the registered name, not the claimed one');
    assert.deepEqual(request.permissions, ['llm.chat', 'vectors.read']);

    await answer(request.id, true);
    await registered;
    assert.deepEqual(await decisions(app.id), { 'llm.chat': 'granted', 'vectors.read': 'granted' });
    assert.deepEqual(await pendingRequests(), []);

    // Registering again asks nothing: every permission has a stored decision.
    const again = await fetch(`${runtime.url}/sdk/register`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ app_id: app.id, permissions: ['llm.chat', 'vectors.read'] }),
    });
    const body = await again.json();
    assert.equal(body.message, 'All permissions already processed');
    assert.deepEqual(body.permissions.granted.sort(), ['llm.chat', 'vectors.read']);
  });

test('register with an unknown app id fails with the server\'s error', async () => {
  const sdk = sdkFor({ appId: '00000000-0000-4000-8000-000000000001' });
  await assert.rejects(sdk.register(['llm.chat']),
    /^Error: Failed to register app: Invalid app ID/);
  assert.deepEqual(await pendingRequests(), []);
});

test('a permission prompt answered allow, then one answered deny; repeats use the stored decision',
  async () => {
    const app = await createApp({ name: 'Asking app' });
    const sdk = sdkFor({ appId: app.id });

    // The SDK's own request-permission call, as every module makes it after PERMISSION_REQUIRED.
    const allowed = sdk.api.requestPermission('api.agents');
    const [first] = await waitFor(async () => (await pendingRequests()).length > 0 && pendingRequests());
    assert.equal((await pendingRequests()).length, 1, 'exactly one prompt for one call');
    assert.equal(first.permission, 'api.agents');
    assert.equal(first.app_name, 'Asking app');
    await answer(first.id, true);
    assert.equal(await allowed, true);
    assert.deepEqual(await decisions(app.id), { 'api.agents': 'granted' });

    const denied = sdk.activities.requestPermission('activities.read');
    const [second] = await waitFor(async () => (await pendingRequests()).length > 0 && pendingRequests());
    assert.equal((await pendingRequests()).length, 1, 'exactly one prompt for one call');
    assert.equal(second.permission, 'activities.read');
    await answer(second.id, false);
    assert.equal(await denied, false);
    assert.deepEqual(await decisions(app.id),
      { 'activities.read': 'denied', 'api.agents': 'granted' });

    // Repeats are answered at once from the stored decisions: no new prompt.
    assert.equal(await sdk.api.requestPermission('api.agents'), true);
    assert.equal(await sdk.activities.requestPermission('activities.read'), false);
    assert.deepEqual(await pendingRequests(), []);

    // Reset brings the prompt back.
    await runtime.call('POST', `/api/v1/local-apps/${app.id}/permissions/reset`, { key: adminKey });
    const asked = sdk.api.requestPermission('api.agents');
    const [third] = await waitFor(async () => (await pendingRequests()).length > 0 && pendingRequests());
    await answer(third.id, false);
    assert.equal(await asked, false);
  });

test('calls for a permission already being asked share the one prompt', async () => {
  const app = await createApp({ name: 'Impatient app' });
  const sdk = sdkFor({ appId: app.id });
  const calls = [sdk.llm.requestPermission('llm.embed'), sdk.llm.requestPermission('llm.embed'),
    sdk.llm.vectors.requestPermission('llm.embed')];
  const [request] = await waitFor(async () => (await pendingRequests()).length > 0 && pendingRequests());
  // Give every call the time to arrive; they must not add prompts.
  await new Promise(resolve => setTimeout(resolve, 300));
  assert.equal((await pendingRequests()).length, 1);
  await answer(request.id, true);
  assert.deepEqual(await Promise.all(calls), [true, true, true]);
});

test('a permission request from a web page is refused before any prompt', async () => {
  const app = await createApp({ name: 'Web target' });
  const response = await fetch(`${runtime.url}/api/local-apps/request-permission`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: runtime.url },
    body: JSON.stringify({ app_id: app.id, app_name: 'x', permission: 'llm.chat' }),
  });
  assert.equal(response.status, 403);
  assert.notEqual((await response.json()).granted, true);
  assert.deepEqual(await pendingRequests(), []);
});

test('admin routes need an admin key', async () => {
  for (const [method, path] of [['GET', '/api/v1/local-apps'],
    ['POST', '/api/v1/local-apps'], ['GET', '/api/v1/local-apps/permission-requests']]) {
    const { status } = await runtime.call(method, path,
      { key: userKey, body: method === 'POST' ? { name: 'x' } : undefined });
    assert.equal(status, 403, `${method} ${path}`);
  }
  const { body } = await runtime.call('GET', '/api/v1/local-apps', { key: adminKey });
  assert.ok(!body.apps.some(app => app.name === 'x'));
});

test('a launched app receives RTX_APP_ID, RTX_APP_NAME, RTX_PORT and its credentials, its output is shown, and Stop ends it',
  async () => {
    const app = await createApp({
      name: 'Launched app',
      type: 'node',
      command: process.execPath,
      args: [join(HERE, 'fixtures', 'launched-app.mjs')],
      working_dir: HERE,
      env: { ASSIGNED_BY_PERSON: 'yes' },
      port: 18123,
    });
    // An env_var credential the person assigned goes into its environment.
    const secret = `s3cr3t-${process.pid}-${Date.now()}`;
    const credential = await runtime.call('POST', '/api/v1/credentials', { key: adminKey,
      body: { name: `launch-${app.id.slice(0, 8)}`, type: 'env_var',
        payload: { name: 'APP_SECRET', value: secret } } });
    assert.equal(credential.status, 200, JSON.stringify(credential.body));
    const assigned = await runtime.call('POST', `/api/v1/local-apps/${app.id}/credentials`,
      { key: adminKey, body: { credential: `launch-${app.id.slice(0, 8)}`, assigned: true } });
    assert.equal(assigned.status, 200, JSON.stringify(assigned.body));
    assert.deepEqual(assigned.body.credentials,
      [{ name: `launch-${app.id.slice(0, 8)}`, type: 'env_var' }]);
    assert.ok(!JSON.stringify(assigned.body).includes(secret));
    const unknown = await runtime.call('POST', `/api/v1/local-apps/${app.id}/credentials`,
      { key: adminKey, body: { credential: 'no-such-credential', assigned: true } });
    assert.equal(unknown.status, 404);

    const started = await runtime.call('POST', `/api/v1/local-apps/${app.id}/start`,
      { key: adminKey });
    assert.equal(started.status, 200, JSON.stringify(started.body));
    assert.equal(started.body.app.state, 'running');
    const pid = started.body.app.pid;
    assert.ok(pid > 0);

    const output = await waitFor(async () => {
      const { body } = await runtime.call('GET', `/api/v1/local-apps/${app.id}/output`,
        { key: adminKey });
      return body.output.includes('ready') && body.output;
    });
    assert.match(output, new RegExp(`^RTX_APP_ID=${app.id}$`, 'm'));
    assert.match(output, /^RTX_APP_NAME=Launched app$/m);
    assert.match(output, /^RTX_PORT=18123$/m);
    assert.match(output, /^ASSIGNED=yes$/m);
    assert.match(output, new RegExp(`^CREDENTIAL=${secret}$`, 'm'));
    assert.match(output, new RegExp(`^ping mode=production appId=${app.id}$`, 'm'));
    const names = output.match(/^ENV_NAMES=(.*)$/m)[1].split(',');
    for (const secret of ['RTX_API_KEY', 'DBUS_SESSION_BUS_ADDRESS', 'RTX_DATA_DIR', 'RTX_TEST_ROOT'])
      assert.ok(!names.includes(secret), `${secret} must not reach the app`);
    assert.ok(!output.includes(adminKey) && !output.includes(userKey));

    const listed = await runtime.call('GET', '/api/v1/local-apps', { key: adminKey });
    assert.equal(listed.body.apps.find(a => a.id === app.id).state, 'running');

    const stopped = await runtime.call('POST', `/api/v1/local-apps/${app.id}/stop`,
      { key: adminKey });
    assert.equal(stopped.status, 200);
    const final = await waitFor(async () => {
      const { body } = await runtime.call('GET', `/api/v1/local-apps/${app.id}`, { key: adminKey });
      return body.app.state !== 'running' && body.app;
    });
    assert.equal(final.state, 'stopped');
    assert.equal(final.pid, null);
    assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' }, 'the process is gone');
    const { body } = await runtime.call('GET', `/api/v1/local-apps/${app.id}/output`,
      { key: adminKey });
    assert.match(body.output, /^got SIGTERM$/m);

    const again = await runtime.call('POST', `/api/v1/local-apps/${app.id}/stop`, { key: adminKey });
    assert.equal(again.status, 409);
  });

test('a failing app shows as failed, with the reason', async () => {
  const app = await createApp({ name: 'Failing app', command: '/bin/sh', args: ['-c', 'echo oops; exit 3'] });
  await runtime.call('POST', `/api/v1/local-apps/${app.id}/start`, { key: adminKey });
  const final = await waitFor(async () => {
    const { body } = await runtime.call('GET', `/api/v1/local-apps/${app.id}`, { key: adminKey });
    return body.app.state !== 'running' && body.app;
  });
  assert.equal(final.state, 'failed');
  assert.equal(final.state_reason, 'Exited with status 3');
  const { body } = await runtime.call('GET', `/api/v1/local-apps/${app.id}/output`, { key: adminKey });
  assert.equal(body.output, 'oops\n');

  const missing = await createApp({ name: 'Missing program', command: '/nonexistent/program' });
  const started = await runtime.call('POST', `/api/v1/local-apps/${missing.id}/start`, { key: adminKey });
  assert.equal(started.status, 400);
  const shown = await runtime.call('GET', `/api/v1/local-apps/${missing.id}`, { key: adminKey });
  assert.equal(shown.body.app.state, 'failed');
  assert.ok(shown.body.app.state_reason.length > 0);
});

const canSwitchUser = process.getuid?.() === 0 && existsSync('/usr/bin/setpriv');

test('a valid app id sent by another user\'s process is refused', { skip: !canSwitchUser && 'needs root and setpriv to run a client as nobody' },
  async () => {
    const app = await createApp({ name: 'Replayed app' });
    // Everything the other user runs must be readable by it.
    const dir = mkdtempSync(join(tmpdir(), 'rtx-other-user-'));
    try {
      chmodSync(dir, 0o755);
      cpSync(join(HERE, 'fixtures', 'other-user-client.mjs'), join(dir, 'client.mjs'));
      cpSync(join(HERE, 'node_modules', '@realtimex', 'sdk'),
        join(dir, 'node_modules', '@realtimex', 'sdk'), { recursive: true });
      execFileSync('chmod', ['-R', 'a+rX', dir]);
      const run = promisify(execFile);

      // The same client as our own user gets through: the refusal below is about the user.
      const own = JSON.parse((await run(process.execPath,
        [join(dir, 'client.mjs'), runtime.url, app.id, 'ping-only'])).stdout);
      assert.equal(own.ping.mode, 'production');

      const { stdout } = await run('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups',
        process.execPath, join(dir, 'client.mjs'), runtime.url, app.id], { cwd: dir });
      const other = JSON.parse(stdout);
      assert.equal(other.uid, 65534);
      assert.equal(other.ping, undefined);
      assert.equal(other.pingError,
        'Connection failed: Local apps must run as the user who runs RealTimeX Runtime');
      assert.equal(other.permissionStatus, 403);
      assert.notEqual(other.permission.granted, true);
      assert.equal(other.granted, false);
      assert.deepEqual(await pendingRequests(), [], 'no prompt was shown for another user');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
