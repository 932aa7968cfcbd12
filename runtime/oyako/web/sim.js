// The chat simulator: behaves like the LINE app for one parent. Every tap or typed text goes to
// /_sim/send, which the embedded fake platform turns into a signed webhook for the runtime;
// replies arrive through the fake Reply API and are long-polled from /_sim/messages.
// Message data is put on screen by flex.js with textContent only.
(function () {
  "use strict";
  var chat = document.getElementById("chat");
  var quick = document.getElementById("quick-replies");
  var input = document.getElementById("input");
  var statusBox = document.getElementById("status");
  var richmenu = document.getElementById("richmenu");
  var richmenuImage = document.getElementById("richmenu-image");
  var chatbar = document.getElementById("chatbar");
  var state = { after: 0, assetBase: "", richmenuKey: "", tab: null };

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function scrollDown() { chat.scrollTop = chat.scrollHeight; }

  function note(text) {
    chat.appendChild(el("div", "note", text));
    scrollDown();
  }

  function send(action) {
    quick.textContent = "";
    var welcome = document.getElementById("welcome");
    if (welcome) welcome.remove();
    return fetch("/_sim/send", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(action)
    }).then(function (r) { return r.json(); }).then(function (res) {
      if (res.error) note("送信できません: " + res.error);
      else if (res.webhookStatus !== 200) note("Webhook の応答: " + res.webhookStatus);
    }).catch(function (e) { note("送信できません: " + e); });
  }

  // What a tap does, as in the LINE app.
  function onAction(action) {
    switch (action.type) {
      case "postback":
        return send({ type: "postback", data: action.data, displayText: action.displayText || null });
      case "message":
        return send({ type: "message", text: action.text });
      case "uri":
        if (/^tel:/.test(action.uri)) {
          return note("電話をかけます: " + decodeURIComponent(action.uri.slice(4)));
        }
        if (/^https?:/.test(action.uri)) window.open(action.uri, "_blank", "noopener");
        return note("ブラウザで開きます: " + action.uri);
      case "richmenuswitch":
        state.tab = action.richMenuAliasId;
        renderRichMenu(state.richmenu);
        return send({ type: "postback", data: action.data || "", displayText: null });
      default:
        return note("シミュレーターでは使えない操作です: " + action.type);
    }
  }

  var opts = function () { return { onAction: onAction, assetBase: state.assetBase }; };

  function showItem(item) {
    if (item.from === "system") {
      note((item.messages[0] || {}).text || "");
      return;
    }
    var row = el("div", "row " + item.from);
    if (item.from === "user") {
      var m = item.messages[0] || {};
      row.appendChild(el("div", "user-bubble", m.type === "sticker" ? "（スタンプ）" : m.text));
    } else {
      var bot = el("div", "bot");
      bot.appendChild(window.OyakoFlex.renderMessages(item.messages, opts()));
      row.appendChild(bot);
      var last = item.messages[item.messages.length - 1];
      quick.textContent = "";
      if (last && last.quickReply) quick.appendChild(window.OyakoFlex.renderQuickReply(last.quickReply, opts()));
      document.getElementById("chat-list-preview").textContent = window.OyakoFlex.altTextOf(last);
    }
    chat.appendChild(row);
    scrollDown();
  }

  function poll() {
    fetch("/_sim/messages?after=" + state.after).then(function (r) { return r.json(); }).then(function (res) {
      res.items.forEach(function (item) {
        if (item.id >= state.after) {
          showItem(item);
          state.after = item.id + 1;
        }
      });
      poll();
    }).catch(function () { setTimeout(poll, 1000); });
  }

  function renderRichMenu(menu) {
    richmenuImage.textContent = "";
    var current = menu && (menu.menus || []).filter(function (m) { return m.alias === state.tab; })[0];
    if (menu && !current) current = (menu.menus || [])[0];
    if (!current) {
      var grid = el("div", "richmenu-fallback");
      var b = el("button", "", "メニュー");
      b.type = "button";
      b.addEventListener("click", function () { onAction({ type: "postback", data: "menu:", displayText: "メニュー" }); });
      grid.appendChild(b);
      richmenuImage.appendChild(grid);
      chatbar.textContent = "メニュー ▼";
      return;
    }
    state.tab = current.alias;
    richmenuImage.appendChild(window.OyakoFlex.renderRichMenu(current.request, "/" + current.image, opts()));
    chatbar.textContent = current.request.chatBarText + " ▼";
  }

  function refreshState() {
    fetch("/_sim/state").then(function (r) { return r.json(); }).then(function (s) {
      state.assetBase = s.assetBase;
      document.getElementById("title").textContent = s.title || "oyako";
      document.getElementById("chat-list-name").textContent = s.title || "oyako";
      var b = s.build || {};
      statusBox.classList.toggle("error", !b.ok);
      statusBox.textContent = (b.ok ? "ビルド成功（" + (b.hash || "").slice(0, 12) + "）" : "ビルドエラー") +
        (b.message ? "\n" + b.message : "");
      document.getElementById("promo-link").hidden = !s.promo;
      var key = JSON.stringify(s.richmenu);
      if (key !== state.richmenuKey) {
        state.richmenuKey = key;
        state.richmenu = s.richmenu;
        renderRichMenu(s.richmenu);
      }
    }).catch(function () {
      statusBox.classList.add("error");
      statusBox.textContent = "oyako dev に接続できません";
    });
  }

  document.getElementById("follow").addEventListener("click", function () { send({ type: "follow" }); });
  document.getElementById("unfollow").addEventListener("click", function () {
    send({ type: "unfollow" });
    note("ブロックしました（返信はありません）");
  });
  document.getElementById("sticker").addEventListener("click", function () { send({ type: "sticker" }); });
  document.getElementById("inputbar").addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    input.value = "";
    send({ type: "message", text: text });
  });
  chatbar.addEventListener("click", function () {
    richmenu.hidden = !richmenu.hidden;
    chatbar.classList.toggle("open", !richmenu.hidden);
  });
  // The date control: the runtime answers as on the chosen day (its clock moves; the time of
  // day keeps running), so date-dependent replies and timed messages can be tried out.
  var clockDate = document.getElementById("clock-date");
  var clockNow = document.getElementById("clock-now");
  function showClock(c) {
    if (!c || c.error) { clockNow.textContent = c && c.error ? c.error : ""; return; }
    clockNow.textContent = (c.moved ? "ランタイムの時刻: " : "現在の時刻: ") + c.now;
    clockNow.classList.toggle("moved", !!c.moved);
    if (document.activeElement !== clockDate) clockDate.value = c.date;
  }
  function setClock(body) {
    return fetch("/_sim/clock", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body)
    }).then(function (r) { return r.json(); }).then(function (c) {
      showClock(c);
      if (!c.error) note((c.moved ? "日付を " + c.date + " にしました" : "今日に戻しました"));
    });
  }
  document.getElementById("clock").addEventListener("submit", function (e) {
    e.preventDefault();
    if (clockDate.value) setClock({ date: clockDate.value });
  });
  document.getElementById("clock-reset").addEventListener("click", function () { setClock({ reset: true }); });
  function refreshClock() {
    fetch("/_sim/clock").then(function (r) { return r.json(); }).then(showClock).catch(function () {});
  }

  richmenu.hidden = false;
  refreshClock();
  setInterval(refreshClock, 5000);
  refreshState();
  setInterval(refreshState, 1000);
  poll();
})();
