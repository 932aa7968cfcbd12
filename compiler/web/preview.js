// The static preview of a bundle (dist/preview/index.html): every menu and page rendered with
// the same Flex renderer as the simulator, linkable by URL hash (#page:ninshin/boshi-techo).
// All content arrives as JSON in data.js and is put on screen with textContent only.
(function () {
  "use strict";
  var data = window.OYAKO_PREVIEW;
  var nav = document.getElementById("nav");
  var chat = document.getElementById("chat");
  var heading = document.getElementById("current");

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function link(key, label, depth) {
    var a = el("a", "nav-item depth-" + depth, label);
    a.href = "#" + encodeURIComponent(key);
    a.dataset.key = key;
    return a;
  }

  function buildNav() {
    document.getElementById("title").textContent = data.title;
    document.title = data.title + " — プレビュー";
    if (data.promo) {
      var printables = el("a", "nav-item depth-0 nav-printables", "ポスター・カード（印刷物）↗");
      printables.href = data.promo;
      printables.target = "_blank";
      printables.rel = "noopener";
      nav.appendChild(printables);
    }
    if (data.richmenu) nav.appendChild(link("richmenu", "リッチメニュー", 0));
    nav.appendChild(link("follow", "友だち追加（あいさつ）", 0));
    if (data.timed && data.timed.length) nav.appendChild(link("timed", "お子さんに合わせた配信（タイムライン）", 0));
    if (data.replies.unblocked) nav.appendChild(link("unblocked", "ブロック解除のとき", 0));
    nav.appendChild(link("fallback", "見つからないとき", 0));
    data.tree.forEach(function (item) {
      nav.appendChild(link(item.key, item.title, item.depth));
    });
  }

  function onAction(action) {
    if (action.type === "postback") {
      location.hash = "#" + encodeURIComponent(action.data);
    } else if (action.type === "uri") {
      var note = el("div", "preview-note", "リンク: " + action.uri);
      chat.appendChild(note);
    } else if (action.type === "message") {
      chat.appendChild(el("div", "preview-note", "送信: " + action.text));
    }
  }

  // The rich menus as images with their tap areas; a tap follows the area's action.
  function showRichMenu() {
    data.richmenu.menus.forEach(function (menu) {
      var box = el("div", "richmenu-preview");
      box.appendChild(el("div", "preview-note", "タブ: " + menu.tab + "（" + menu.request.chatBarText + "）"));
      box.appendChild(window.OyakoFlex.renderRichMenu(menu.request, "../" + menu.image, { onAction: onAction }));
      chat.appendChild(box);
    });
  }

  // The timed messages in the order a family meets them: from the due date, then from the
  // birthday, each with when it is sent and the message itself.
  function showTimeline() {
    var steps = data.timed.slice().sort(function (a, b) {
      return (a.from === b.from ? 0 : a.from === "due" ? -1 : 1);
    });
    var opts = { onAction: onAction, assetBase: "../assets/" };
    var last = null;
    steps.forEach(function (s) {
      if (s.from !== last) {
        chat.appendChild(el("div", "timeline-head", s.from_text + "から数えて"));
        last = s.from;
      }
      var item = el("div", "timeline-step");
      item.dataset.step = s.id;
      var when = s.label + "（" + s.from_text + "から " + s.at + (s.until ? "、" + s.until + " まで" : "") + "）";
      item.appendChild(el("div", "preview-note timeline-when", when + " — " + s.title));
      item.appendChild(window.OyakoFlex.renderMessages(s.messages, opts));
      chat.appendChild(item);
    });
  }

  function show() {
    var key = decodeURIComponent(location.hash.slice(1)) || "follow";
    var messages = data.replies[key];
    chat.textContent = "";
    heading.textContent = key;
    Array.prototype.forEach.call(nav.querySelectorAll(".nav-item"), function (a) {
      a.classList.toggle("active", a.dataset.key === key);
    });
    if (key === "richmenu" && data.richmenu) return showRichMenu();
    if (key === "timed" && data.timed && data.timed.length) return showTimeline();
    if (!messages) {
      chat.appendChild(el("div", "preview-note", "この返信はありません: " + key));
      return;
    }
    var opts = { onAction: onAction, assetBase: "../assets/" };
    chat.appendChild(window.OyakoFlex.renderMessages(messages, opts));
    var last = messages[messages.length - 1];
    if (last && last.quickReply) {
      chat.appendChild(window.OyakoFlex.renderQuickReply(last.quickReply, opts));
    }
  }

  buildNav();
  window.addEventListener("hashchange", show);
  show();
})();
