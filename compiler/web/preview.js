// The static preview of a bundle (dist/preview/index.html): every menu and page rendered with
// the same Flex renderer as the simulator, linkable by URL hash (#page:ninshin/boshi-techo).
// Content arrives as JSON in scripts and is put on screen with textContent only: data.js has
// the navigation and the top menu's replies, replies/<n>.js those of one section, loaded the
// first time one of them is shown (script tags, because file:// pages cannot fetch).
(function () {
  "use strict";
  var data = window.OYAKO_PREVIEW;
  var loading = {};

  // Called by replies/<n>.js.
  window.OyakoPreview = {
    part: function (n, replies) {
      Object.keys(replies).forEach(function (k) { data.replies[k] = replies[k]; });
      (loading[n] || []).forEach(function (done) { done(); });
      loading[n] = "loaded";
    },
  };

  // Calls `done` once the replies of part `n` are in `data.replies`.
  function loadPart(n, done) {
    if (loading[n] === "loaded") return done();
    if (loading[n]) return loading[n].push(done);
    loading[n] = [done];
    var s = document.createElement("script");
    s.src = "replies/" + n + ".js";
    s.onerror = function () {
      chat.textContent = "";
      chat.appendChild(el("div", "preview-note", "返信を読み込めません: replies/" + n + ".js"));
    };
    document.body.appendChild(s);
  }
  var nav = document.getElementById("nav");
  var chat = document.getElementById("chat");
  var heading = document.getElementById("current");
  // Replies that change with the day: the date control picks the day (the build day first).
  var calendar = data.calendar || null;
  var dayInput = document.getElementById("day");
  var dayNote = document.getElementById("day-note");

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
    if (calendar) {
      nav.appendChild(el("span", "nav-heading", "日付で変わる返信（「今日」「今週」など）"));
      calendar.views.forEach(function (v) { nav.appendChild(link(v[0], v[1], 1)); });
    }
  }

  function dayNumber(iso) {
    return Math.round(Date.parse(iso + "T00:00:00Z") / 86400000);
  }

  // The reply of `key` on the chosen day, like the runtime picks it (bundle::Calendar).
  function replyOn(key) {
    var runs = calendar && calendar.replies[key];
    if (!runs) return Object.prototype.hasOwnProperty.call(data.replies, key) ? data.replies[key] : undefined;
    var offset = dayNumber(dayInput.value || calendar.first_day) - dayNumber(calendar.first_day);
    if (offset > dayNumber(calendar.last_day) - dayNumber(calendar.first_day) && key.indexOf("cal:") === 0) {
      return calendar.blobs[calendar.ended];
    }
    var pick = runs[0][1];
    runs.forEach(function (r) { if (r[0] <= offset) pick = r[1]; });
    return calendar.blobs[pick];
  }

  function setupDay() {
    if (!calendar) return;
    document.getElementById("day-control").hidden = false;
    dayInput.value = calendar.first_day;
    dayInput.min = calendar.first_day;
    dayNote.textContent = "（" + calendar.first_day + "〜" + calendar.last_day + " の分を用意しています）";
    dayInput.addEventListener("change", show);
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
    var part = Object.prototype.hasOwnProperty.call(data.parts, key) ? data.parts[key] : null;
    if (part !== null && !Object.prototype.hasOwnProperty.call(data.replies, key)) {
      return loadPart(part, function () {
        // Only if the reader has not moved on while the part loaded.
        if ((decodeURIComponent(location.hash.slice(1)) || "follow") === key) show();
      });
    }
    var messages = replyOn(key);
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
    var lastDay = calendar && calendar.until[key];
    if (lastDay && dayInput.value > lastDay) {
      chat.appendChild(el("div", "preview-note", "この日（" + dayInput.value + "）は、メニューや検索に出ません（" + lastDay + " まで）"));
    }
    var opts = { onAction: onAction, assetBase: "../assets/" };
    chat.appendChild(window.OyakoFlex.renderMessages(messages, opts));
    var last = messages[messages.length - 1];
    if (last && last.quickReply) {
      chat.appendChild(window.OyakoFlex.renderQuickReply(last.quickReply, opts));
    }
  }

  buildNav();
  setupDay();
  window.addEventListener("hashchange", show);
  show();
})();
