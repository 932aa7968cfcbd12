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
  var state = { after: 0, assetBase: "", richmenuKey: "", tab: null, buildKey: "" };

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
      case "datetimepicker":
        return pickDate(action);
      case "richmenuswitch":
        state.tab = action.richMenuAliasId;
        renderRichMenu(state.richmenu);
        return send({ type: "postback", data: action.data || "", displayText: null });
      default:
        return note("シミュレーターでは使えない操作です: " + action.type);
    }
  }

  // LINE's date picker: the app opens a dialog limited to min..max; here a small form in the
  // chat. The picked value goes to the runtime as the postback's params, like LINE sends it.
  function pickDate(action) {
    var mode = action.mode || "date";
    var form = el("form", "picker");
    form.appendChild(el("div", "picker-label", action.label || "日付を選ぶ"));
    var input = el("input");
    input.type = mode === "time" ? "time" : mode === "datetime" ? "datetime-local" : "date";
    input.required = true;
    if (action.min) input.min = action.min;
    if (action.max) input.max = action.max;
    if (action.initial) input.value = action.initial;
    var ok = el("button", "", "決定");
    ok.type = "submit";
    var cancel = el("button", "", "キャンセル");
    cancel.type = "button";
    form.appendChild(input);
    form.appendChild(ok);
    form.appendChild(cancel);
    cancel.addEventListener("click", function () { form.remove(); });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      if (!input.value) return;
      form.remove();
      var params = {};
      params[mode] = input.value;
      send({ type: "postback", data: action.data, displayText: null, params: params });
    });
    chat.appendChild(form);
    scrollDown();
    input.focus();
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
      if (item.via) bot.appendChild(el("div", "via", "お知らせ配信（" + item.via + "、返信ではありません）"));
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
      showBuild(s.build || {});
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

  // The last build: a summary line, then every error and warning, sorted by file and line as
  // `oyako check` prints them (the list is already sorted by the server).
  function showBuild(b) {
    var list = b.diagnostics || [];
    var errors = list.filter(function (d) { return d.severity === "error"; }).length;
    var warnings = list.length - errors;
    var key = JSON.stringify([b.ok, b.hash, b.builds]);
    if (key === state.buildKey) return;
    state.buildKey = key;
    statusBox.classList.toggle("error", !b.ok);
    statusBox.classList.toggle("warning", !!b.ok && warnings > 0);
    statusBox.textContent = "";
    var head = b.ok ? "ビルド成功（" + (b.hash || "").slice(0, 12) + "）" : "ビルドエラー（前の版を表示しています）";
    if (errors || warnings) head += "　エラー " + errors + " 件・警告 " + warnings + " 件";
    statusBox.appendChild(el("div", "status-head", head));
    if (!list.length) return;
    var ol = el("ol", "diagnostics");
    list.forEach(function (d) {
      var li = el("li", "diagnostic " + d.severity);
      li.appendChild(el("span", "place", d.place + ": "));
      li.appendChild(el("span", "label", d.label + ": "));
      li.appendChild(el("span", "message", d.message));
      if (d.hint) li.appendChild(el("div", "hint", "ヒント: " + d.hint));
      ol.appendChild(li);
    });
    statusBox.appendChild(ol);
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
