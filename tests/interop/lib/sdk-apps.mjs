// SPDX-License-Identifier: GPL-3.0-or-later
// Helpers for the SDK module tests: a runtime with an admin key, local apps registered and
// granted permissions through the admin routes (what the person does in Settings), and SDK
// clients in both modes.
import assert from 'node:assert/strict';

import { RealtimeXSDK } from '@realtimex/sdk';

import { Runtime, waitFor } from './rtx-runtime.mjs';

// The SDK reads these; a test must say everything itself.
for (const name of ['RTX_APP_ID', 'RTX_APP_NAME', 'RTX_API_KEY', 'RTX_PORT'])
  delete process.env[name];

export class SdkWorld {
  constructor (name, env = {}) {
    this.runtime = new Runtime(name);
    this.env = env;
  }

  async start () {
    this.adminKey = this.runtime.createKey('sdk admin', { admin: true });
    this.devKey = this.runtime.createKey('sdk developer');
    await this.runtime.start(this.env);
    return this;
  }

  async stop () {
    await this.runtime.stop();
  }

  async admin (method, path, body) {
    const { status, body: reply } = await this.runtime.call(method, path,
      { key: this.adminKey, body });
    assert.ok(status >= 200 && status < 300, `${method} ${path}: ${status} ${JSON.stringify(reply)}`);
    return reply;
  }

  // A registered app with these permissions granted, as the person would in Settings.
  async grantedApp (name, permissions) {
    const { app } = await this.admin('POST', '/api/v1/local-apps', { name });
    for (const permission of permissions)
      await this.admin('POST', `/api/v1/local-apps/${app.id}/permissions`,
        { permission, state: 'granted' });
    return app;
  }

  async pendingRequests () {
    return (await this.admin('GET', '/api/v1/local-apps/permission-requests')).requests;
  }

  // Answers the next permission prompt (the SDK's request-permission call) and returns it.
  async answerNextPrompt (granted) {
    const [request] = await waitFor(async () => {
      const requests = await this.pendingRequests();
      return requests.length > 0 && requests;
    });
    await this.admin('POST', `/api/v1/local-apps/permission-requests/${request.id}`, { granted });
    return request;
  }

  sdk (realtimex, extra = {}) {
    return new RealtimeXSDK({ realtimex: { url: this.runtime.url, ...realtimex }, ...extra });
  }

  dev (extra) {
    return this.sdk({ apiKey: this.devKey }, extra);
  }

  app (app, extra) {
    return this.sdk({ appId: app.id, appName: app.name }, extra);
  }
}

export { waitFor };
