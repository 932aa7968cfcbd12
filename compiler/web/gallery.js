// Renders the gallery: every example of gallery-examples.js, then real compiler output
// (gallery-snapshots.js). Taps go to window.__oyakoActions and the log line at the bottom.
(function () {
  'use strict';
  var examples = (window.OYAKO_GALLERY_EXAMPLES || []).concat(window.OYAKO_GALLERY_SNAPSHOTS || []);
  var main = document.getElementById('gallery');
  var index = document.getElementById('index');
  var log = document.getElementById('action-log');
  window.__oyakoActions = [];

  function onAction(action) {
    window.__oyakoActions.push(action);
    var detail = action.data || action.text || action.uri || '';
    log.textContent = 'onAction: ' + action.type + (action.label ? ' “' + action.label + '”' : '') + (detail ? ' → ' + detail : '');
    log.classList.add('g-log-on');
    clearTimeout(hideTimer);
    hideTimer = setTimeout(function () { log.classList.remove('g-log-on'); }, 3000);
  }
  var hideTimer = 0;

  examples.forEach(function (ex) {
    var section = document.createElement('section');
    section.className = 'g-item';
    section.id = 'ex-' + ex.id;
    section.setAttribute('data-example', ex.id);
    var h = document.createElement('h2');
    h.textContent = ex.title;
    var note = document.createElement('p');
    note.className = 'g-note';
    note.textContent = ex.note || '';
    var chat = document.createElement('div');
    chat.className = 'g-chat';
    chat.appendChild(OyakoFlex.renderMessages(ex.messages, { onAction: onAction, assetBase: 'gallery-assets/', quickReply: true }));
    var alt = document.createElement('p');
    alt.className = 'g-alt';
    alt.textContent = 'altText: ' + ex.messages.map(OyakoFlex.altTextOf).join(' / ');
    section.append(h, note, chat, alt);
    main.appendChild(section);

    var link = document.createElement('a');
    link.href = '#ex-' + ex.id;
    link.textContent = ex.title;
    index.appendChild(link);
  });
  document.documentElement.setAttribute('data-rendered', String(examples.length));
})();
