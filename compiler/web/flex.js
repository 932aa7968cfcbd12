/*
 * oyako — LINE Flex Message → DOM renderer (plain JS, no build step).
 *
 *   OyakoFlex.renderMessage(msg, opts)      → HTMLElement for one LINE message object
 *   OyakoFlex.renderMessages(list, opts)    → HTMLElement holding all of them (+ the last quick reply)
 *   OyakoFlex.renderQuickReply(qr, opts)    → HTMLElement: a row of chips
 *   OyakoFlex.altTextOf(msg)                → string for chat-list previews
 *
 * opts.onAction(action, event)  called for every tap on something with an action; the renderer
 *                               itself never navigates (uri actions included).
 * opts.assetBase                replaces the "oyako-asset:/" prefix of image URLs (e.g. "/assets/").
 * opts.sender                   "user" renders text messages as the user's own (right, green).
 * opts.quickReply               true: renderMessages appends the last message's quick reply.
 *
 * Security: message data only ever reaches the page through textContent, validated CSS values
 * (numbers with px/%, hex colours, fixed keyword tables) set with style.setProperty, and image
 * URLs that passed safeImageUrl(). No innerHTML, no url() built from message data.
 *
 * Sizes follow LINE's own renderer: keyword tables below, default block paddings per bubble size
 * and button/image/separator metrics in flex.css.
 */
(function (global) {
  'use strict';

  var doc = global.document;
  var hasOwn = function (o, k) { return Object.prototype.hasOwnProperty.call(o, k); };

  // ---- LINE keyword tables (px) -------------------------------------------------------------
  var SPACE = { none: 0, xs: 2, sm: 4, md: 8, lg: 12, xl: 16, xxl: 20 }; // spacing, margin, padding, offset, cornerRadius
  var FONT = { xxs: 11, xs: 13, sm: 14, md: 16, lg: 19, xl: 22, xxl: 29, '3xl': 35, '4xl': 48, '5xl': 74 };
  var IMAGE = { xxs: 40, xs: 60, sm: 80, md: 100, lg: 120, xl: 140, xxl: 160, '3xl': 180, '4xl': 200, '5xl': 220 };
  var BORDER = { none: 0, light: 0.5, normal: 1, medium: 2, 'semi-bold': 3, bold: 4 };
  var BUBBLE = { nano: 120, micro: 160, deca: 220, hecto: 241, kilo: 260, mega: 300, giga: 386 };
  var JUSTIFY = ['center', 'flex-start', 'flex-end', 'space-between', 'space-around', 'space-evenly'];
  var ALIGN_ITEMS = ['center', 'flex-start', 'flex-end'];
  var ALIGN = { start: 'flex-start', end: 'flex-end', center: 'center' };   // align → cross axis of the component
  var GRAVITY = { top: 'flex-start', bottom: 'flex-end', center: 'center' }; // gravity → its own column
  var ASSET_PREFIX = 'oyako-asset:/';

  // ---- value parsing: everything that reaches CSS goes through one of these ------------------
  var NUM = '(?:\\d+(?:\\.\\d+)?|\\.\\d+)';
  var RE_PX = new RegExp('^' + NUM + 'px$');
  var RE_PCT = new RegExp('^' + NUM + '%$');
  var RE_SIGNED = new RegExp('^-?' + NUM + '(?:px|%)$');
  var RE_COLOR = /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/;
  var RE_RATIO = new RegExp('^(' + NUM + '):(' + NUM + ')$');
  var RE_DATA_IMG = /^data:image\/(?:png|jpeg);base64,[A-Za-z0-9+/=\s]+$/;

  /** A keyword from `table`, or "Npx" (and "N%" when pct) → CSS length; anything else → null. */
  function len(v, table, pct, signed) {
    if (typeof v !== 'string') return null;
    if (table && hasOwn(table, v)) return table[v] + 'px';
    if (signed) return RE_SIGNED.test(v) && (pct || /px$/.test(v)) ? v : null;
    if (RE_PX.test(v) || (pct && RE_PCT.test(v))) return v;
    return null;
  }
  function color(v) { return typeof v === 'string' && RE_COLOR.test(v) ? v : null; }
  function pick(v, list) { return list.indexOf(v) >= 0 ? v : null; }
  /** "W:H" → W/H (LINE: 1..100000, H ≤ 3W; default 1:1). */
  function ratioOf(v) {
    var m = typeof v === 'string' && RE_RATIO.exec(v);
    var w = m ? parseFloat(m[1]) : 1, h = m ? parseFloat(m[2]) : 1;
    if (!(w > 0) || !(h > 0)) return 1;
    return Math.max(w / h, 1 / 3);
  }

  /**
   * Image URLs: https:, http: (local dev), data:image/png|jpeg and our asset prefix. Everything
   * else (javascript:, file:, blob:, relative paths…) is refused and the drawing area stays empty.
   */
  function safeImageUrl(url, opts) {
    if (typeof url !== 'string' || url.length > 100000) return null;
    if (url.indexOf(ASSET_PREFIX) === 0) {
      if (typeof opts.assetBase !== 'string') return null;
      var rest = url.slice(ASSET_PREFIX.length);
      if (/^[a-zA-Z][a-zA-Z0-9+.-]*:|^\/|\\/.test(rest)) return null; // the rest must stay a relative path
      return opts.assetBase + rest;
    }
    if (RE_DATA_IMG.test(url)) return url;
    try {
      var u = new URL(url);
      return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
    } catch (e) {
      return null;
    }
  }

  // ---- DOM helpers -----------------------------------------------------------------------------
  function el(tag, cls) {
    var n = doc.createElement(tag);
    if (cls) n.className = cls;
    return n;
  }
  function css(node, prop, value) {
    if (value !== null && value !== undefined) node.style.setProperty(prop, String(value));
  }
  /** Message text → string; LINE only sends strings, anything else (objects…) shows as nothing. */
  function str(v) {
    return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
  }
  function unsupported(what) {
    var n = el('div', 'oy-unsupported');
    n.textContent = 'unsupported: ' + (str(what) || typeof what).slice(0, 40);
    return n;
  }

  /** Taps: the innermost component with an action wins (stopPropagation), as in LINE. */
  function bindAction(node, action, ctx, label) {
    if (!action || typeof action !== 'object') return;
    node.classList.add('oy-action');
    if (node.tagName !== 'BUTTON') {
      node.tabIndex = 0;
      node.setAttribute('role', 'button');
      if (label && typeof action.label === 'string') node.setAttribute('aria-label', action.label);
    }
    var fire = function (ev) {
      ev.preventDefault();
      ev.stopPropagation();
      try { ctx.opts.onAction(action, ev); } catch (e) { if (global.console) console.error(e); }
    };
    node.addEventListener('click', fire);
    if (node.tagName !== 'BUTTON') {
      node.addEventListener('keydown', function (ev) { if (ev.key === 'Enter' || ev.key === ' ') fire(ev); });
    }
  }

  // ---- components ------------------------------------------------------------------------------
  var RENDER = {
    box: renderBox, text: renderText, button: renderButton, image: renderImage, icon: renderIcon,
    separator: renderSeparator, filler: renderFiller, video: renderVideo
  };

  /**
   * Render one component. `parent` ({horizontal, spacing, first}) is null for block roots.
   * A broken component becomes a red "unsupported" box; it never takes the message down.
   */
  function renderComponent(c, ctx, parent) {
    var node;
    if (!c || typeof c !== 'object' || typeof c.type !== 'string' || !hasOwn(RENDER, c.type)) {
      return unsupported(c && typeof c === 'object' ? c.type : typeof c);
    }
    try {
      node = RENDER[c.type](c, ctx);
    } catch (e) {
      if (global.console) console.error(e);
      return unsupported(c.type + ' (error)');
    }
    node.classList.add('oy-c');
    place(node, c, parent);
    if (c.action && c.type !== 'button') { // an image is tappable on its drawing area only
      var target = c.type === 'image' ? node.firstChild : node;
      bindAction(target, c.action, ctx, c.type !== 'text');
    }
    return node;
  }

  /** flex, margin/spacing and position/offsets: the parts that depend on the parent box. */
  function place(node, c, parent) {
    var abs = c.position === 'absolute' && parent;
    if (abs) node.classList.add('oy-abs');
    // offsets: px or keywords; % of the parent's width (start/end) or height (top/bottom)
    css(node, 'top', len(c.offsetTop, SPACE, true, true));
    css(node, 'bottom', len(c.offsetBottom, SPACE, true, true));
    css(node, 'inset-inline-start', len(c.offsetStart, SPACE, true, true));
    css(node, 'inset-inline-end', len(c.offsetEnd, SPACE, true, true));
    if (!parent || abs) return;

    // flex: horizontal children default 1 (flex: N 0 0), vertical default 0; 0 = content size.
    // Icons are always 0; a box with width (in a row) or height (in a column) becomes 0 too.
    var h = parent.horizontal, f;
    if (c.type === 'icon' || c.type === 'separator') f = 0;
    else if (c.type === 'box' && ((h && len(c.width, null, true)) || (!h && len(c.height, null, true)))) f = 0;
    else if (typeof c.flex === 'number' && c.flex >= 0 && isFinite(c.flex)) f = Math.floor(c.flex);
    else f = h || c.type === 'filler' ? 1 : 0;
    css(node, 'flex', f === 0 ? '0 0 auto' : f + ' 0 ' + (h ? '0' : 'auto'));
    if (f === 0 && h && c.type === 'image' && c.size === 'full') css(node, 'width', '100%');

    // margin beats the parent's spacing and also applies to a first child; fillers take no spacing
    var gap = c.margin !== undefined ? len(c.margin, SPACE) : null;
    if (gap === null && !parent.first && c.type !== 'filler') gap = parent.spacing;
    if (gap) css(node, h ? 'margin-inline-start' : 'margin-top', gap);
  }

  function renderBox(c, ctx) {
    var layout = c.layout === 'horizontal' || c.layout === 'baseline' ? c.layout : 'vertical';
    var node = el('div', 'oy-box oy-' + layout);
    boxStyle(node, c);
    var slot = { horizontal: layout !== 'vertical', spacing: len(c.spacing, SPACE), first: true };
    (Array.isArray(c.contents) ? c.contents : []).forEach(function (child) {
      node.appendChild(renderComponent(child, ctx, slot));
      if (!(child && child.position === 'absolute')) slot.first = false;
    });
    return node;
  }

  function boxStyle(node, c) {
    css(node, 'background-color', color(c.backgroundColor));
    var bw = len(c.borderWidth, BORDER);
    if (bw) {
      css(node, 'border-width', bw);
      css(node, 'border-color', color(c.borderColor));
    }
    css(node, 'border-radius', len(c.cornerRadius, SPACE));
    css(node, 'width', len(c.width, null, true));
    css(node, 'height', len(c.height, null, true));
    css(node, 'max-width', len(c.maxWidth, null, true));
    css(node, 'max-height', len(c.maxHeight, null, true));
    // per-side padding takes precedence over paddingAll; % is of the parent's width (as in CSS)
    var all = len(c.paddingAll, SPACE, true);
    css(node, 'padding', all);
    css(node, 'padding-top', len(c.paddingTop, SPACE, true));
    css(node, 'padding-bottom', len(c.paddingBottom, SPACE, true));
    css(node, 'padding-inline-start', len(c.paddingStart, SPACE, true));
    css(node, 'padding-inline-end', len(c.paddingEnd, SPACE, true));
    css(node, 'justify-content', pick(c.justifyContent, JUSTIFY));
    css(node, 'align-items', pick(c.alignItems, ALIGN_ITEMS));
    css(node, 'background-image', gradient(c.background));
  }

  /** background {type: linearGradient}: LINE's angle is CSS's (0deg = bottom → top, clockwise). */
  function gradient(bg) {
    if (!bg || bg.type !== 'linearGradient') return null;
    var angle = typeof bg.angle === 'string' && new RegExp('^' + NUM + 'deg$').test(bg.angle) ? bg.angle : null;
    var from = color(bg.startColor), to = color(bg.endColor), mid = color(bg.centerColor);
    if (!angle || !from || !to) return null;
    var pos = typeof bg.centerPosition === 'string' && RE_PCT.test(bg.centerPosition) ? bg.centerPosition : '50%';
    return 'linear-gradient(' + angle + ', ' + from + ' 0%, ' + (mid ? mid + ' ' + pos + ', ' : '') + to + ' 100%)';
  }

  /** Shared by text and span: size, weight, style, decoration, colour. */
  function fontStyle(node, c) {
    css(node, 'font-size', len(c.size, FONT));
    if (c.weight === 'bold') css(node, 'font-weight', '700');
    if (c.weight === 'regular') css(node, 'font-weight', '400');
    if (c.style === 'italic') css(node, 'font-style', 'italic');
    if (c.style === 'normal') css(node, 'font-style', 'normal');
    css(node, 'text-decoration-line', pick(c.decoration, ['none', 'underline', 'line-through']));
    css(node, 'color', color(c.color));
  }

  /**
   * Text: a column (so `gravity` can place the paragraph) holding one <p>. wrap:false (default)
   * is one line cut with an ellipsis; wrap:true honours "\n", maxLines and lineSpacing.
   */
  function renderText(c, ctx) {
    var node = el('div', 'oy-text');
    var p = el('p', 'oy-text-p');
    node.appendChild(p);
    fontStyle(p, c);
    css(p, 'text-align', pick(c.align, ['start', 'end', 'center']));
    css(node, 'justify-content', GRAVITY[c.gravity] || null);
    if (c.wrap === true) {
      node.classList.add('oy-wrap');
      if (typeof c.maxLines === 'number' && c.maxLines >= 1) {
        p.classList.add('oy-clamp');
        css(p, '-webkit-line-clamp', Math.floor(c.maxLines));
      }
      var ls = len(c.lineSpacing);
      if (ls) { // extra space between lines only, not above the first or below the last
        css(p, 'line-height', 'calc(1.4em + ' + ls + ')');
        css(p, 'margin-block', 'calc(' + ls + ' / -2)');
      }
    }
    var spans = Array.isArray(c.contents) ? c.contents.filter(function (s) { return s && s.type === 'span'; }) : [];
    if (spans.length) {
      spans.forEach(function (s) {
        var span = el('span', 'oy-span');
        fontStyle(span, s);
        span.textContent = str(s.text);
        p.appendChild(span);
      });
    } else {
      p.textContent = str(c.text);
    }
    return node;
  }

  /** Buttons: primary (filled, #17C950), secondary (light grey), link (text #42659A); 52/40px. */
  function renderButton(c, ctx) {
    var style = c.style === 'primary' || c.style === 'secondary' ? c.style : 'link';
    var node = el('div', 'oy-button oy-button-' + style + (c.height === 'sm' ? ' oy-button-sm' : ''));
    var face = el('button', 'oy-button-face');
    face.type = 'button';
    var label = el('span', 'oy-button-label');
    label.textContent = c.action ? str(c.action.label) : '';
    face.appendChild(label);
    node.appendChild(face);
    css(face, style === 'link' ? 'color' : 'background-color', color(c.color));
    css(node, 'justify-content', GRAVITY[c.gravity] || null);
    bindAction(face, c.action, ctx);
    return node;
  }

  /**
   * Image: the "drawing area" is `size` wide (never wider than the component) with the
   * aspectRatio's height; the picture is fitted (contain) or covers it.
   */
  function renderImage(c, ctx) {
    var node = el('div', 'oy-image');
    var area = el('div', 'oy-image-area');
    var sizer = el('div', 'oy-image-sizer');
    area.appendChild(sizer);
    node.appendChild(area);
    css(area, 'width', c.size === 'full' ? '100%' : len(c.size, IMAGE, true) || IMAGE.md + 'px');
    css(sizer, 'padding-bottom', (100 / ratioOf(c.aspectRatio)).toFixed(4) + '%');
    css(sizer, 'background-color', color(c.backgroundColor));
    css(node, 'align-items', ALIGN[c.align] || null);
    css(node, 'justify-content', GRAVITY[c.gravity] || null);
    var src = safeImageUrl(c.url, ctx.opts);
    if (src) {
      var img = el('img', 'oy-image-img' + (c.aspectMode === 'cover' ? ' oy-cover' : ''));
      img.alt = '';
      img.decoding = 'async';
      img.referrerPolicy = 'no-referrer';
      img.src = src;
      sizer.appendChild(img);
    } else {
      area.classList.add('oy-image-blocked');
    }
    return node;
  }

  /** Icons sit on the baseline: an inline image 1em high (em = the icon's size) × aspect ratio. */
  function renderIcon(c, ctx) {
    var node = el('div', 'oy-icon');
    css(node, 'font-size', len(c.size, FONT) || FONT.md + 'px');
    var src = safeImageUrl(c.url, ctx.opts);
    var img = el(src ? 'img' : 'span', 'oy-icon-img');
    css(img, 'width', ratioOf(c.aspectRatio).toFixed(4) + 'em');
    if (src) {
      img.alt = '';
      img.referrerPolicy = 'no-referrer';
      img.src = src;
    }
    node.appendChild(img);
    return node;
  }

  function renderSeparator(c) {
    var node = el('div', 'oy-separator');
    css(node, 'border-color', color(c.color));
    return node;
  }

  function renderFiller() { return el('div', 'oy-filler'); }

  /** Video can't play here: show its altContent (box or image), as older LINE apps do. */
  function renderVideo(c, ctx) {
    var alt = c.altContent && (c.altContent.type === 'box' || c.altContent.type === 'image')
      ? renderComponent(c.altContent, ctx, null) : unsupported('video without altContent');
    var node = el('div', 'oy-video');
    node.appendChild(alt);
    return node;
  }

  // ---- containers ------------------------------------------------------------------------------
  var BLOCKS = ['header', 'hero', 'body', 'footer'];

  function renderBubble(b, ctx) {
    if (!b || typeof b !== 'object' || b.type !== 'bubble') return unsupported(b && b.type);
    var size = typeof b.size === 'string' && hasOwn(BUBBLE, b.size) ? b.size : 'mega';
    var node = el('div', 'oy-bubble oy-size-' + size);
    node.dir = b.direction === 'rtl' ? 'rtl' : 'ltr';
    node.setAttribute('data-size', size);
    var styles = b.styles && typeof b.styles === 'object' ? b.styles : {};
    var present = BLOCKS.filter(function (k) { return b[k] && typeof b[k] === 'object'; });
    present.forEach(function (k, i) {
      var block = el('div', 'oy-block oy-' + k);
      var st = styles[k] && typeof styles[k] === 'object' ? styles[k] : {};
      css(block, 'background-color', color(st.backgroundColor));
      if (st.separator === true && i > 0) { // never above the first block
        block.classList.add('oy-block-sep');
        css(block, 'border-top-color', color(st.separatorColor));
      }
      block.appendChild(renderComponent(b[k], ctx, null));
      node.appendChild(block);
    });
    if (b.footer) node.classList.add('oy-has-footer');
    if (!b.body) node.classList.add('oy-no-body');
    bindAction(node, b.action, ctx, true);
    return node;
  }

  /** Carousel: sideways scroll with snap; every bubble's body stretches to the tallest bubble. */
  function renderCarousel(c, ctx) {
    var node = el('div', 'oy-carousel');
    var track = el('div', 'oy-carousel-track');
    (Array.isArray(c.contents) ? c.contents : []).forEach(function (b) { track.appendChild(renderBubble(b, ctx)); });
    node.appendChild(track);
    return node;
  }

  function renderContainer(c, ctx) {
    if (c && c.type === 'carousel') return renderCarousel(c, ctx);
    if (c && c.type === 'bubble') return renderBubble(c, ctx);
    return unsupported(c && typeof c === 'object' ? c.type : typeof c);
  }

  // ---- messages --------------------------------------------------------------------------------
  function options(opts) {
    var o = {};
    if (opts) for (var k in opts) if (hasOwn(opts, k)) o[k] = opts[k];
    if (typeof o.onAction !== 'function') o.onAction = function () {};
    return o;
  }

  var TYPE_NAMES = {
    sticker: 'スタンプ', image: '画像', video: '動画', audio: '音声', location: '位置情報',
    imagemap: 'イメージマップ', template: 'テンプレート', coupon: 'クーポン'
  };

  /** Placeholder for message types this renderer does not draw (sticker, image, …). */
  function placeholder(msg) {
    var type = msg && typeof msg.type === 'string' ? msg.type : 'unknown';
    var n = el('div', 'oy-placeholder');
    var title = el('strong', 'oy-placeholder-type');
    title.textContent = '[' + (hasOwn(TYPE_NAMES, type) ? TYPE_NAMES[type] : type) + ']';
    n.appendChild(title);
    var detail = '';
    if (type === 'sticker') detail = 'packageId ' + str(msg.packageId) + ' / stickerId ' + str(msg.stickerId);
    else if (type === 'location') detail = [str(msg.title), str(msg.address)].filter(Boolean).join(' ');
    else if (msg && typeof msg.altText === 'string') detail = msg.altText;
    else detail = type + ' message';
    var d = el('span', 'oy-placeholder-detail');
    d.textContent = detail.slice(0, 200);
    n.appendChild(d);
    return n;
  }

  function renderMessage(msg, opts) {
    var ctx = { opts: options(opts) };
    var type = msg && typeof msg === 'object' && typeof msg.type === 'string' ? msg.type : 'unknown';
    var row = el('div', 'oy-msg oy-msg-' + (type === 'flex' || type === 'text' ? type : 'other'));
    if (ctx.opts.sender === 'user') row.classList.add('oy-msg-user');
    var content;
    try {
      if (type === 'flex') content = renderContainer(msg.contents, ctx);
      else if (type === 'text') {
        content = el('div', 'oy-textmsg');
        content.textContent = str(msg.text);
      } else content = placeholder(msg);
    } catch (e) {
      if (global.console) console.error(e);
      content = unsupported(type + ' (error)');
    }
    row.appendChild(content);
    return row;
  }

  /** Quick reply: a sideways-scrolling row of chips labelled with action.label. */
  function renderQuickReply(qr, opts) {
    var ctx = { opts: options(opts) };
    var row = el('div', 'oy-quickreply');
    var items = qr && Array.isArray(qr.items) ? qr.items : [];
    items.forEach(function (item) {
      if (!item || !item.action || typeof item.action !== 'object') return;
      var chip = el('button', 'oy-qr-chip');
      chip.type = 'button';
      var src = safeImageUrl(item.imageUrl, ctx.opts);
      if (src) {
        var icon = el('img', 'oy-qr-icon');
        icon.alt = '';
        icon.referrerPolicy = 'no-referrer';
        icon.src = src;
        chip.appendChild(icon);
      }
      var label = el('span', 'oy-qr-label');
      label.textContent = str(item.action.label) || str(item.action.type);
      chip.appendChild(label);
      bindAction(chip, item.action, ctx);
      row.appendChild(chip);
    });
    return row;
  }

  /**
   * All messages of one reply. With opts.quickReply === true the last message's quick reply is
   * appended (LINE shows only that one); otherwise call renderQuickReply yourself.
   */
  function renderMessages(list, opts) {
    var wrap = el('div', 'oy-messages');
    var msgs = Array.isArray(list) ? list : [];
    msgs.forEach(function (m) { wrap.appendChild(renderMessage(m, opts)); });
    var last = msgs[msgs.length - 1];
    if (last && last.quickReply && opts && opts.quickReply === true) {
      wrap.appendChild(renderQuickReply(last.quickReply, opts));
    }
    return wrap;
  }

  function altTextOf(msg) {
    if (!msg || typeof msg !== 'object') return '';
    if (msg.type === 'text') return str(msg.text);
    if (typeof msg.altText === 'string') return msg.altText;
    if (hasOwn(TYPE_NAMES, msg.type)) return TYPE_NAMES[msg.type] + 'が送信されました';
    return '';
  }

  // A rich menu (LINE's RichMenuRequest) over its image: one transparent button per area,
  // placed by the area's bounds in percent of the menu size, tapping calls opts.onAction.
  function renderRichMenu(request, imageUrl, opts) {
    var o = options(opts);
    var frame = el('div', 'oy-richmenu');
    var img = el('img', 'oy-richmenu-image');
    // A relative path is the bundle's own image (not message data); anything else is checked.
    var relative = typeof imageUrl === 'string' && !/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(imageUrl);
    var src = relative ? imageUrl : safeImageUrl(imageUrl, o);
    if (src) img.src = src;
    img.alt = 'リッチメニュー';
    frame.appendChild(img);
    var size = (request && request.size) || { width: 1, height: 1 };
    ((request && request.areas) || []).forEach(function (area, i) {
      var b = el('button', 'oy-richmenu-area');
      var action = area.action || {};
      b.type = 'button';
      b.setAttribute('aria-label', action.label || ('エリア' + (i + 1)));
      b.style.left = (100 * area.bounds.x / size.width) + '%';
      b.style.top = (100 * area.bounds.y / size.height) + '%';
      b.style.width = (100 * area.bounds.width / size.width) + '%';
      b.style.height = (100 * area.bounds.height / size.height) + '%';
      b.addEventListener('click', function (ev) { o.onAction(action, ev); });
      frame.appendChild(b);
    });
    return frame;
  }

  global.OyakoFlex = {
    renderMessage: renderMessage,
    renderRichMenu: renderRichMenu,
    renderMessages: renderMessages,
    renderQuickReply: renderQuickReply,
    altTextOf: altTextOf,
    safeImageUrl: function (url, opts) { return safeImageUrl(url, options(opts)); },
    BUBBLE_WIDTHS: BUBBLE
  };
})(window);
