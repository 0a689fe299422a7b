// SPDX-License-Identifier: GPL-3.0-or-later
// The unmodified @realtimex/sdk 1.2.4, module tts, against a real headless runtime speaking with
// espeak-ng, in development and production mode.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { PermissionDeniedError } from '@realtimex/sdk';

import { SdkWorld } from './lib/sdk-apps.mjs';

let world;

before(async () => {
  world = await new SdkWorld('sdk-tts').start();
});

after(async () => {
  await world.stop();
});

// Reads a WAV file's format and length; fails on anything that is not one.
function readWav (buffer) {
  const view = new DataView(buffer);
  const text = (at, n) => String.fromCharCode(...new Uint8Array(buffer, at, n));
  assert.equal(text(0, 4), 'RIFF');
  assert.equal(text(8, 8), 'WAVEfmt ');
  assert.equal(view.getUint32(4, true), buffer.byteLength - 8);
  assert.equal(text(36, 4), 'data');
  const rate = view.getUint32(24, true);
  const samples = view.getUint32(40, true) / 2;
  assert.equal(view.getUint16(22, true), 1, 'mono');
  assert.equal(view.getUint16(34, true), 16, '16-bit');
  // Not silence: some sample is loud.
  let peak = 0;
  for (let i = 0; i < samples; i++)
    peak = Math.max(peak, Math.abs(view.getInt16(44 + 2 * i, true)));
  return { rate, samples, seconds: samples / rate, peak };
}

const TEXT = 'Good morning. The invoices are ready! Shall I send them now?';

for (const mode of ['development', 'production']) {
  const client = async (name) => mode === 'development'
    ? world.dev() : world.app(await world.grantedApp(name, ['tts.generate']));

  test(`${mode}: speak returns a WAV file whose length follows the text and speed`, async () => {
    const sdk = await client('Speaker');
    const audio = await sdk.tts.speak('Hello there, this is the built-in voice.');
    assert.ok(audio instanceof ArrayBuffer);
    const normal = readWav(audio);
    assert.ok(normal.rate >= 16000);
    assert.ok(normal.seconds > 1 && normal.seconds < 10, `${normal.seconds} s`);
    assert.ok(normal.peak > 1000);

    const fast = readWav(await sdk.tts.speak('Hello there, this is the built-in voice.', { speed: 2 }));
    assert.ok(fast.seconds < normal.seconds * 0.8, `${fast.seconds} s vs ${normal.seconds} s`);
    const longer = readWav(await sdk.tts.speak(`${TEXT} ${TEXT}`));
    assert.ok(longer.seconds > normal.seconds);

    const german = readWav(await sdk.tts.speak('Guten Morgen', { voice: 'de' }));
    assert.ok(german.seconds > 0.3);
    await assert.rejects(sdk.tts.speak('x', { voice: 'no-such-voice' }), /No voice/);
    await assert.rejects(sdk.tts.speak('x', { provider: 'elevenlabs' }),
      /“provider” must be one of \["espeak"\], not "elevenlabs"/);
    await assert.rejects(sdk.tts.speak('   '), /text must be/);
  });

  test(`${mode}: speakStream yields one WAV chunk per sentence, in order`, async () => {
    const sdk = await client('Streamer');
    const chunks = [];
    for await (const chunk of sdk.tts.speakStream(TEXT))
      chunks.push(chunk);
    assert.deepEqual(chunks.map(c => [c.index, c.total, c.mimeType]),
      [[0, 3, 'audio/wav'], [1, 3, 'audio/wav'], [2, 3, 'audio/wav']]);
    const lengths = chunks.map(c => readWav(c.audio).seconds);
    assert.ok(lengths.every(s => s > 0.3), lengths.join(', '));
    // The chunks together are about the whole text spoken at once.
    const whole = readWav(await sdk.tts.speak(TEXT)).seconds;
    const sum = lengths.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - whole) / whole < 0.35, `${sum} s in chunks vs ${whole} s whole`);
  });

  test(`${mode}: listProviders shows espeak-ng with its voices`, async () => {
    const sdk = await client('Lister');
    const providers = await sdk.tts.listProviders();
    assert.equal(providers.length, 1);
    const [espeak] = providers;
    assert.equal(espeak.id, 'espeak');
    assert.equal(espeak.type, 'server');
    assert.equal(espeak.configured, true);
    assert.equal(espeak.supportsStreaming, true);
    assert.ok(espeak.config.voices.includes('en-us'));
    assert.deepEqual(espeak.config.voices, [...espeak.config.voices].sort());
    assert.ok(espeak.config.languages.includes('de'));
  });
}

test('production: tts.generate is asked for; a denial throws PermissionDeniedError', async () => {
  const sdk = world.app(await world.grantedApp('Quiet app', []));
  const speaking = sdk.tts.speak('Hello');
  assert.equal((await world.answerNextPrompt(false)).permission, 'tts.generate');
  await assert.rejects(speaking, PermissionDeniedError);
  const streaming = (async () => { for await (const c of sdk.tts.speakStream('Hello.')) void c; })();
  await assert.rejects(streaming, PermissionDeniedError);
});
