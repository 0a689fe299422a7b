/* SPDX-License-Identifier: GPL-3.0-or-later */
/* RealTimeX Runtime chat widget. Include it with
 *   <script src="http://127.0.0.1:3001/embed/chat-widget.js" data-embed-id="EMBED-UUID"></script>
 * It draws a chat bubble that opens the runtime's chat frame. Plain JavaScript: no framework,
 * nothing else is loaded, no markup is built from text, and nothing is read from the page. */
(function () {
  'use strict';

  var UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  var script = document.currentScript;

  if (!script || !script.src) {
    return;
  }

  var embedId = script.getAttribute('data-embed-id') || '';
  if (!UUID.test(embedId)) {
    console.error('RealTimeX chat widget: data-embed-id must be the embed\'s UUID');
    return;
  }

  var base = new URL(script.src).origin;
  var frame = null;
  var bubble = null;

  function place(element, bottom) {
    element.style.position = 'fixed';
    element.style.right = '16px';
    element.style.bottom = bottom;
    element.style.zIndex = '2147483647';
  }

  function toggle() {
    if (frame === null) {
      frame = document.createElement('iframe');
      frame.id = 'rtx-chat-frame';
      frame.title = 'Chat';
      frame.src = base + '/embed/' + encodeURIComponent(embedId) + '/frame';
      frame.setAttribute('referrerpolicy', 'origin');
      place(frame, '88px');
      frame.style.width = '360px';
      frame.style.height = '520px';
      frame.style.maxHeight = 'calc(100vh - 104px)';
      frame.style.border = '1px solid #c0bfbc';
      frame.style.borderRadius = '12px';
      frame.style.background = '#ffffff';
      document.body.appendChild(frame);
      bubble.setAttribute('aria-expanded', 'true');
      return;
    }

    var hidden = frame.style.display === 'none';
    frame.style.display = hidden ? 'block' : 'none';
    bubble.setAttribute('aria-expanded', hidden ? 'true' : 'false');
  }

  function init() {
    bubble = document.createElement('button');
    bubble.type = 'button';
    bubble.id = 'rtx-chat-bubble';
    bubble.textContent = '\u{1F4AC}';
    bubble.setAttribute('aria-label', 'Chat');
    bubble.setAttribute('aria-expanded', 'false');
    place(bubble, '16px');
    bubble.style.width = '56px';
    bubble.style.height = '56px';
    bubble.style.borderRadius = '28px';
    bubble.style.border = 'none';
    bubble.style.background = '#3584e4';
    bubble.style.color = '#ffffff';
    bubble.style.fontSize = '24px';
    bubble.style.cursor = 'pointer';
    bubble.addEventListener('click', toggle);
    document.body.appendChild(bubble);
  }

  if (document.body) {
    init();
  } else {
    document.addEventListener('DOMContentLoaded', init);
  }
})();
