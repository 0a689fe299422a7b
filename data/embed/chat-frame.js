/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The chat frame of an embed. Every text that arrives (answers, history, errors) is put on the
 * page with textContent and never parsed as markup, so a model's output is shown, not run. The
 * page's Content-Security-Policy allows this file and calls to the runtime only. */
(function () {
  'use strict';

  var embedId = document.body.getAttribute('data-embed-id');
  var messages = document.getElementById('messages');
  var form = document.getElementById('composer');
  var input = document.getElementById('message');
  var send = document.getElementById('send');

  /* The page that frames this one; the runtime checks it against the embed's allowlist. */
  function parentOrigin() {
    if (location.ancestorOrigins && location.ancestorOrigins.length > 0) {
      return location.ancestorOrigins[0];
    }
    try {
      return document.referrer ? new URL(document.referrer).origin : '';
    } catch (e) {
      return '';
    }
  }

  /* A version 4 UUID from getRandomValues, which also works outside secure contexts. */
  function newUuid() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) {
      return (b + 0x100).toString(16).slice(1);
    }).join('');
    return hex.slice(0, 8) + '-' + hex.slice(8, 12) + '-' + hex.slice(12, 16) + '-' +
           hex.slice(16, 20) + '-' + hex.slice(20);
  }

  function sessionId() {
    var key = 'rtx-embed-session-' + embedId;
    var id = null;
    try {
      id = sessionStorage.getItem(key);
    } catch (e) { /* storage may be blocked in a third-party frame */ }
    if (!id) {
      id = newUuid();
      try {
        sessionStorage.setItem(key, id);
      } catch (e) { /* keep it for this page only */ }
    }
    return id;
  }

  var session = sessionId();
  var origin = parentOrigin();
  var base = '/api/embed/' + encodeURIComponent(embedId);

  function addMessage(role, text) {
    var item = document.createElement('li');
    item.className = 'message ' + role;
    item.textContent = text;
    messages.appendChild(item);
    messages.scrollTop = messages.scrollHeight;
    return item;
  }

  function headers(json) {
    var h = { 'X-Embed-Parent-Origin': origin };
    if (json) {
      h['Content-Type'] = 'application/json';
    }
    return h;
  }

  function handleEvent(block, reply) {
    var data = '';
    block.split('\n').forEach(function (line) {
      if (line.indexOf('data:') === 0) {
        data += line.slice(5).replace(/^ /, '');
      }
    });
    if (data === '') {
      return;
    }

    var event = JSON.parse(data);
    if (event.type === 'abort') {
      reply.classList.add('error');
      reply.textContent = typeof event.error === 'string' ? event.error : 'The chat failed.';
    } else if (event.type === 'textResponse' && typeof event.textResponse === 'string') {
      reply.textContent = event.textResponse;
    } else if (typeof event.textResponse === 'string') {
      reply.textContent += event.textResponse;
    }
  }

  function readStream(response, reply) {
    var reader = response.body.getReader();
    var decoder = new TextDecoder();
    var buffer = '';

    function pump() {
      return reader.read().then(function (chunk) {
        if (chunk.done) {
          if (buffer.trim() !== '') {
            handleEvent(buffer, reply);
          }
          return;
        }
        buffer += decoder.decode(chunk.value, { stream: true });
        var blocks = buffer.split('\n\n');
        buffer = blocks.pop();
        blocks.forEach(function (block) {
          handleEvent(block, reply);
        });
        return pump();
      });
    }

    return pump();
  }

  function failed(response) {
    return response.json().catch(function () {
      return {};
    }).then(function (body) {
      throw new Error(typeof body.error === 'string' ? body.error : 'HTTP ' + response.status);
    });
  }

  function ask(text) {
    addMessage('user', text);
    var reply = addMessage('assistant', '');
    send.disabled = true;

    fetch(base + '/stream-chat', {
      method: 'POST',
      headers: headers(true),
      body: JSON.stringify({ sessionId: session, message: text })
    }).then(function (response) {
      return response.ok ? readStream(response, reply) : failed(response);
    }).catch(function (error) {
      reply.classList.add('error');
      reply.textContent = error.message;
    }).then(function () {
      reply.setAttribute('data-done', 'true');
      send.disabled = false;
    });
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (text !== '') {
      input.value = '';
      ask(text);
    }
  });

  input.addEventListener('keydown', function (event) {
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  fetch(base + '/' + session, { headers: headers(false) }).then(function (response) {
    return response.ok ? response.json() : { history: [] };
  }).then(function (body) {
    (body.history || []).forEach(function (m) {
      addMessage(m.role === 'user' ? 'user' : 'assistant', String(m.content));
    });
  }).catch(function () { /* an empty conversation */ });
})();
