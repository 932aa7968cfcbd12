/*
 * Gallery examples for flex.js: one entry per Flex feature, each a list of LINE message objects.
 * Images are inline data: PNGs (generated, no network). Used by gallery.html and the browser
 * tests in tests/browser/ (which find entries by `id`).
 */
(function (global) {
  'use strict';

  // inline PNGs: a 160×100 landscape, a 90×160 portrait (red frame), a 48×48 star icon
  var IMG = {
    landscape: 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAKAAAABkCAYAAAABtjuPAAAC70lEQVR42u3SRXJbURCFYS9HK8k46wkzM3McZmZymJmTXfQOnFYqqnK5ciLFUt/b0vsH3+hMXt/3j7VarUmgljEeAQQIAmybc82AcDLAudcNCCcDnOcjEE0HeMOAcDLA+T4C0WSAC24aEE4GuNBHIJoMcNEtA8IRIHIGuPi2AeFkgEt8BKLJAJfeMSCcDHCZj0A0HeBdA8LJAJf7iOExOdHqSbbvlgGuuGdIrtfo/ibLDTLAlT4ir37i68hwhwxw1YQhqUHE11H7FgJscHwZIpQBrr5vSCYivo5aN8kA1/iIXCIDbKtxkwxw7QNDItHxtdW4Swa4zkfkUSLAttJ36QAfGpIoFd/vAAvfJgNc7yNyKBlg6dtkgBseGZIoGWBbydtkgBt9RA6lAyx5mwxw02NDEqUDLHkbARJgzgA3PzEkUTrAkrfJALf4iBxKxlf6Nhng1qeGJEoGWPo2GeA2H5FHqQBL36UDfGZIpEh8Fe6SAW73EblEB1jjJhngjueGZCLjq3WTDHCnj8gnIr6a98gAd70wJDXI+GrfQoANjjDDHTLA3S8NyfUTX5YbZIB7fMTw6DW8bN8tA9z7yoBwMsB9PgLRdICvDQgnA9zvIxBNBnjgjQHhZIAHfQSiyQDH3xoQjgCRM8BD7wwIJwM87CMQTQZ45L0B4WSAR30EoukAPxgQTgZ4zEcgmgzw+EcDwskAT/gIRJMBnvxkQDgCHGKzxmeHqxbgqc+GJEqE9r8GdZsM8LSPqCNjcN3M9FYZ4JkvhkKGMbhuer1dBnjWR8QYxeC6UW+hA/xqGKAmRidjnPIuMsBzPqI/xNadDPD8N8MMENWAAmyPF/xB8W9EFBjgVBe/G/4gnAoBNj1GYkkU4HSXftjIIY4hCnC6y/4Dhw0xjFCA0135aenw8xsUoHLVQ4jGTyZAgABBgAABggABAgQBAgQIAgQBEiAIEARIgCBAECABggBBgAABggABAgQBAgSIJgQIlEaAIEA01y9LMBpkHn0xyAAAAABJRU5ErkJggg==',
    portrait: 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAFoAAACgCAYAAACMoXt9AAADVElEQVR42u3cR3LUYBCGYZ/Ea07CmuuQc845g8k5mwwm55zhFn0D06JqqLGrekbStNTSr3fxrr7F33oOoLE94+PTVH1jIACdLvT8SSHHTOgFN4UcAzoaeqGO5JcNfUvIMRN6kY7kF9DR0ItvCzkGdDT0Eh3JLxv6jpBjJvRSHckvoKOhl90VcgzoaOjlOpJfQEdDr7gn5BjQ0dArdSS/bOj7Qo6Z0Kt0JL+AjoZe/UDIMaCjodfoSH7Z0A+FHDOh1+pIfgEdDb1uSsgxoKOh1+tIfgEdDb3hkXSi6ak5A/N6p7PQw4C9wU3ojTqmWlHk/sq+aUM/luQaBXgGdom3TehNOqaWF3RW0bc7A+2JXAbbhN78RJKpCuSsIjcAXRO2Cb1FxxSqEjkr7x029FNJoqqh/2HnuMOE3qpjCtUBnecOoKOhtz2TJKoDOs8dQEdDb9cxheqAznMH0NHQO55LElWNnPeO5KGrxh4ZeqeOqVQVcpEbbOgXklSVQBd434TepWNqeSIXfRvoGpAHQu9+Kck2CnLZNzsJXQZ71PfsPzlmYwcaBuz2lgn9SsgzC3qvjuQX0NHQ+14LOQZ0NPR+HckvoKOhD7wRcgzoaOiDOpJfNvRbIcdM6EM6kl9AR0MffifkGNDR0Ed0JL9s6PdCjpnQR3Ukv4COhp74IOQY0NHQx3Qkv4COhj7+UcgxoKOhT+hIftnQn4QcM6FP6kh+AR0NfeqzkGNAR0Of1pH8sqG/CDlmQp/RkfwCOhr67Fchx4DW5k7MK5Qr9DkdU68o8OyKvNVJ6FGBy4Cb0Oe/SXJ5A89u0Nudga4aeRi2CX1Bx1SqC7m/2TfY0N+l9UUAz8Duu8WEvqhjm4tG7tW7J0nopiD3Y5vQl35IK2sacq+koJuKPBD6sh7elpoMPBz6p7SiNiAPhL6iH9H02oLcaug2IQ+Ezsarv6SRtQ15KHQTsduInAs665p+YBNqK3Ju6GjwNgOXgs66/ltqLQXkUtB1YqeCXBq61w3FqKKUgF2g/4P/EZdSBHaF7jWpWGVKGbgS6CLoXcCtBZqABhpoAhpoAhpooAlooAlooIEmoIEmoIEGmoAGmoAGGmgCGmgCGmigCWigCWiggSagWwxN1QU00Gn1F5yxtJh//aQ6AAAAAElFTkSuQmCC',
    star: 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAADAAAAAwCAYAAABXAvmHAAAAmElEQVR42u2YOQ7AIAwE/f/38LXUQSlTpIkTewd2JVo8I4E5IpyFc4w4r2EBCyTgsRIWUILHSaAFnuAxEhZQhpeXsIAS5NshDVciiYZXl8AuKfS+QHSeknaLhsecA90S6BMZfa1Y4k5kAQvs3IHKJbYRkHxqZkAkJLIAsgKY/9Mvi5YL/FWs5S1AmvtWpGKJYuE7ajmO05wJKXzJi42RvwIAAAAASUVORK5CYII='
  };

  // ---- tiny builders (keep the examples readable) ------------------------------------------
  function T(text, extra) { return Object.assign({ type: 'text', text: text }, extra || {}); }
  function box(layout, contents, extra) {
    return Object.assign({ type: 'box', layout: layout, contents: contents }, extra || {});
  }
  function V(contents, extra) { return box('vertical', contents, extra); }
  function H(contents, extra) { return box('horizontal', contents, extra); }
  function bubble(body, extra) { return Object.assign({ type: 'bubble', body: body }, extra || {}); }
  function flex(contents, alt) { return { type: 'flex', altText: alt || 'Flex', contents: contents }; }
  function one(b, alt) { return [flex(b, alt)]; }
  function tag(text, bg, extra) { // a coloured cell used to show layout
    return V([T(text, { size: 'xs', color: '#ffffff', align: 'center' })],
      Object.assign({ backgroundColor: bg || '#5b8def', paddingAll: 'xs' }, extra || {}));
  }
  function postback(label, data) { return { type: 'postback', label: label, data: data, displayText: label }; }
  var LOREM = '子育て支援センターでは、毎週水曜日に親子でたのしめる「わらべうた」の会をひらいています。予約はいりません。';

  var sizes = ['nano', 'micro', 'deca', 'hecto', 'kilo', 'mega', 'giga'];
  var widths = { nano: 120, micro: 160, deca: 220, hecto: 241, kilo: 260, mega: 300, giga: 386 };

  var examples = [
    {
      id: 'bubble-sizes',
      title: 'Bubble sizes',
      note: 'nano 120 · micro 160 · deca 220 · hecto 241 · kilo 260 · mega 300 · giga 386 px (capped by the screen)',
      messages: sizes.map(function (s) {
        return flex(bubble(V([T(s, { weight: 'bold' }), T(widths[s] + 'px', { size: 'xs', color: '#888888' })]),
          { size: s, footer: V([{ type: 'button', style: 'primary', height: 'sm', action: postback('OK', 'size=' + s) }]) }), s);
      })
    },
    {
      id: 'blocks',
      title: 'Blocks and block styles',
      note: 'header / hero / body / footer; styles.backgroundColor and separator (+ separatorColor)',
      messages: one({
        type: 'bubble',
        header: V([T('header', { weight: 'bold', color: '#ffffff' })]),
        hero: { type: 'image', url: IMG.landscape, size: 'full', aspectRatio: '20:13', aspectMode: 'cover' },
        body: V([T('body'), T('styles.body.separator: true', { size: 'xs', color: '#888888' })]),
        footer: V([T('footer · separatorColor #FF0000', { size: 'xs', align: 'center' })]),
        styles: {
          header: { backgroundColor: '#00B900' },
          body: { separator: true },
          footer: { backgroundColor: '#F0F3F7', separator: true, separatorColor: '#FF0000' }
        }
      })
    },
    {
      id: 'flex-ratios',
      title: 'Box layouts and flex ratios',
      note: 'horizontal 1:2; horizontal 0 (content width) + 2 + 3; vertical children share spare height 2:3',
      messages: one(bubble(V([
        H([V([T('flex 1', { size: 'xs', color: '#ffffff', align: 'center' })], { flex: 1, backgroundColor: '#5b8def' }),
          V([T('flex 2', { size: 'xs', color: '#ffffff', align: 'center' })], { flex: 2, backgroundColor: '#ef8d5b' })]),
        H([T('Hello', { flex: 0, size: 'sm' }), tag('2', '#5b8def', { flex: 2 }), tag('3', '#ef8d5b', { flex: 3 })],
          { margin: 'md', spacing: 'sm' }),
        H([
          V([T('five\nlines\nof\ntext\nhere', { wrap: true, size: 'xs' })], { backgroundColor: '#eeeeee' }),
          V([T('flex 2', { flex: 2, size: 'xs', gravity: 'center', color: '#ffffff' }),
            T('flex 3', { flex: 3, size: 'xs', gravity: 'bottom', color: '#ffffff' })], { backgroundColor: '#5b8def' })
        ], { margin: 'md', spacing: 'sm' }),
        H([T('default flex: horizontal 1', { size: 'xxs' }), T('each', { size: 'xxs', align: 'end' })], { margin: 'md' })
      ])))
    },
    {
      id: 'spacing-margin',
      title: 'spacing and margin',
      note: 'vertical spacing md (8px); third item margin xxl (20px) overrides; horizontal spacing lg; "10px"; margin on a first child',
      messages: one(bubble(V([
        V([tag('A'), tag('B'), tag('C margin xxl', '#ef8d5b', { margin: 'xxl' })], { spacing: 'md' }),
        H([tag('1'), tag('2'), tag('3')], { spacing: 'lg', margin: 'lg' }),
        H([tag('10px'), tag('10px')], { spacing: '10px', margin: 'lg' }),
        V([tag('first child, margin xl', '#8e5bef', { margin: 'xl' })], { backgroundColor: '#eeeeee', margin: 'lg' }),
        V(['none', 'xs', 'sm', 'md', 'lg', 'xl', 'xxl'].map(function (k) {
          return H([T('spacing ' + k, { size: 'xxs', flex: 0 }), H([tag(''), tag(''), tag('')], { spacing: k })], { spacing: 'md' });
        }), { margin: 'lg', spacing: 'xs' })
      ])))
    },
    {
      id: 'padding',
      title: 'padding',
      note: 'paddingAll xl; paddingStart 40px; paddingTop 10% (of the width); keyword paddings none…xxl',
      messages: one(bubble(V([
        V([tag('paddingAll xl')], { paddingAll: 'xl', backgroundColor: '#dddddd' }),
        V([tag('paddingStart 40px')], { paddingStart: '40px', backgroundColor: '#dddddd', margin: 'md' }),
        V([tag('paddingTop 10%')], { paddingTop: '10%', backgroundColor: '#dddddd', margin: 'md' }),
        H(['none', 'xs', 'sm', 'md', 'lg', 'xl', 'xxl'].map(function (k) {
          return V([tag(k, '#5b8def')], { paddingAll: k, backgroundColor: '#dddddd' });
        }), { margin: 'md', spacing: 'xs' })
      ])))
    },
    {
      id: 'box-styles',
      title: 'Box background, border, corner radius, width/height',
      note: 'borderWidth light…bold and 3px; cornerRadius keywords and px; #RRGGBBAA; width/height/maxWidth/maxHeight',
      messages: one(bubble(V([
        H(['light', 'normal', 'medium', 'semi-bold', 'bold', '6px'].map(function (w) {
          return V([T(w, { size: 'xxs', align: 'center' })], { borderWidth: w, borderColor: '#00B900', paddingAll: 'xs' });
        }), { spacing: 'xs' }),
        H(['none', 'sm', 'md', 'lg', 'xxl', '30px'].map(function (r) {
          return V([T(r, { size: 'xxs', align: 'center', color: '#ffffff' })],
            { cornerRadius: r, backgroundColor: '#5b8def', height: '40px', justifyContent: 'center' });
        }), { spacing: 'xs', margin: 'md' }),
        H([V([T('#FF000040', { size: 'xs' })], { backgroundColor: '#FF000040', paddingAll: 'sm' }),
          V([T('#FF0000', { size: 'xs', color: '#ffffff' })], { backgroundColor: '#FF0000', paddingAll: 'sm' })],
          { margin: 'md', spacing: 'sm' }),
        V([T('width 60%', { size: 'xs' })], { width: '60%', backgroundColor: '#dddddd', margin: 'md' }),
        V([T('width 200px, maxWidth 120px', { size: 'xs', wrap: true })], { width: '200px', maxWidth: '120px', backgroundColor: '#dddddd', margin: 'md' }),
        V([T('height 60px', { size: 'xs' })], { height: '60px', backgroundColor: '#dddddd', margin: 'md' }),
        V([T(LOREM + LOREM, { size: 'xs', wrap: true })], { maxHeight: '40px', backgroundColor: '#dddddd', margin: 'md' })
      ])))
    },
    {
      id: 'justify-align',
      title: 'justifyContent and alignItems',
      note: 'children with flex 0 placed along the main axis; alignItems on the cross axis',
      messages: one(bubble(V(
        ['flex-start', 'center', 'flex-end', 'space-between', 'space-around', 'space-evenly'].map(function (j) {
          return H([tag('A', '#5b8def', { flex: 0 }), tag('B', '#ef8d5b', { flex: 0 }), tag('C', '#8e5bef', { flex: 0 })],
            { justifyContent: j, backgroundColor: '#eeeeee', margin: 'xs' });
        }).concat(['flex-start', 'center', 'flex-end'].map(function (a) {
          return H([tag('tall', '#5b8def', { height: '40px', flex: 0 }), tag(a, '#ef8d5b', { flex: 0 })],
            { alignItems: a, backgroundColor: '#eeeeee', margin: 'xs', spacing: 'sm' });
        }))
      )))
    },
    {
      id: 'text-sizes',
      title: 'Text sizes',
      note: 'xxs 11 · xs 13 · sm 14 · md 16 · lg 19 · xl 22 · xxl 29 · 3xl 35 · 4xl 48 · 5xl 74 · or px',
      messages: one(bubble(V(['xxs', 'xs', 'sm', 'md', 'lg', 'xl', 'xxl', '3xl', '4xl', '5xl', '20px'].map(function (s) {
        return T('あA ' + s, { size: s });
      }))))
    },
    {
      id: 'text-styles',
      title: 'Text weight, colour, style, decoration, align, gravity',
      note: 'bold; #RRGGBB colour; italic; underline; line-through; align start/center/end; gravity top/center/bottom',
      messages: one(bubble(V([
        T('regular (default)'), T('bold', { weight: 'bold' }), T('color #E53935', { color: '#E53935' }),
        T('italic', { style: 'italic' }), T('underline', { decoration: 'underline' }),
        T('line-through', { decoration: 'line-through' }),
        T('align start', { align: 'start' }), T('align center', { align: 'center' }), T('align end', { align: 'end' }),
        H([T('tall\ncell\nhere', { wrap: true, size: 'xs' }), T('top', { gravity: 'top', size: 'xs' }),
          T('center', { gravity: 'center', size: 'xs' }), T('bottom', { gravity: 'bottom', size: 'xs' })],
          { margin: 'md', backgroundColor: '#eeeeee' })
      ])))
    },
    {
      id: 'text-wrap',
      title: 'wrap, maxLines, lineSpacing, \\n',
      note: 'wrap false (default) = one line with …; wrap true; "\\n" breaks; maxLines 2; lineSpacing 12px',
      messages: one(bubble(V([
        T(LOREM, { size: 'sm' }),
        T(LOREM, { size: 'sm', wrap: true, margin: 'lg' }),
        T('一行目\n二行目\n三行目', { size: 'sm', wrap: true, margin: 'lg' }),
        T(LOREM + LOREM, { size: 'sm', wrap: true, maxLines: 2, margin: 'lg' }),
        T(LOREM, { size: 'sm', wrap: true, lineSpacing: '12px', margin: 'lg', color: '#1565C0' })
      ])))
    },
    {
      id: 'spans',
      title: 'Spans inside a text',
      note: 'contents of span: size, weight, colour, italic, decoration; the text’s decoration can’t be undone by a span',
      messages: one(bubble(V([
        { type: 'text', wrap: true, size: 'md', text: 'ignored when contents is set', contents: [
          { type: 'span', text: 'LINE ' },
          { type: 'span', text: 'bold ', weight: 'bold' },
          { type: 'span', text: 'red ', color: '#E53935' },
          { type: 'span', text: 'xl ', size: 'xl' },
          { type: 'span', text: 'italic ', style: 'italic' },
          { type: 'span', text: 'underline ', decoration: 'underline' },
          { type: 'span', text: 'strike', decoration: 'line-through' }
        ] },
        { type: 'text', decoration: 'underline', margin: 'lg', contents: [
          { type: 'span', text: 'text underline + ' }, { type: 'span', text: 'span none', decoration: 'none', color: '#888888' }
        ] }
      ])))
    },
    {
      id: 'buttons',
      title: 'Buttons',
      note: 'primary (default #17C950 / color), secondary, link (default #42659A / color), height md 52px / sm 40px',
      messages: one(bubble(V([
        { type: 'button', style: 'primary', action: postback('primary', 'btn=primary') },
        { type: 'button', style: 'primary', color: '#D9690F', action: postback('primary #D9690F', 'btn=primary-color') },
        { type: 'button', style: 'secondary', action: { type: 'message', label: 'secondary (message)', text: 'hello' } },
        { type: 'button', style: 'secondary', color: '#FFE0B2', action: postback('secondary #FFE0B2', 'btn=secondary-color') },
        { type: 'button', style: 'link', action: { type: 'uri', label: 'link (uri)', uri: 'https://example.com/' } },
        { type: 'button', color: '#E53935', action: postback('link #E53935 (default style)', 'btn=link-color') },
        H([{ type: 'button', style: 'primary', height: 'sm', action: postback('sm', 'btn=sm') },
          { type: 'button', style: 'secondary', height: 'md', action: postback('md', 'btn=md') }], { spacing: 'sm' }),
        { type: 'button', style: 'primary', height: 'sm',
          action: postback('とても長いラベルのボタンは一行で省略されて表示されます。', 'btn=long') }
      ], { spacing: 'sm' })))
    },
    {
      id: 'images',
      title: 'Images: size, aspectRatio, aspectMode, backgroundColor, align',
      note: 'keyword sizes xxs 40 … 5xl 220px; 50% and 70px; full; 1:1 default; fit (whole image, background around) vs cover (cropped)',
      messages: one(bubble(V([
        H(['xxs', 'xs', 'sm'].map(function (s) {
          return V([{ type: 'image', url: IMG.landscape, size: s, aspectMode: 'cover' }, T(s, { size: 'xxs', align: 'center' })], { flex: 0 });
        }), { spacing: 'sm', alignItems: 'flex-end' }),
        H(['md', 'lg'].map(function (s) {
          return V([{ type: 'image', url: IMG.landscape, size: s, aspectMode: 'cover' }, T(s + ' (1:1 cover)', { size: 'xxs', align: 'center' })], { flex: 0 });
        }), { spacing: 'sm', alignItems: 'flex-end', margin: 'md' }),
        V([{ type: 'image', url: IMG.landscape, size: '50%', aspectRatio: '2:1', aspectMode: 'cover' }, T('size 50%, 2:1 cover', { size: 'xxs', align: 'center' })], { margin: 'md' }),
        V([{ type: 'image', url: IMG.landscape, size: '70px', align: 'start' }, T('70px align start (1:1 fit)', { size: 'xxs' })], { margin: 'md' }),
        H([
          V([{ type: 'image', url: IMG.portrait, size: 'full', aspectRatio: '4:3', aspectMode: 'fit', backgroundColor: '#333333' },
            T('4:3 fit + bg', { size: 'xxs', align: 'center' })]),
          V([{ type: 'image', url: IMG.portrait, size: 'full', aspectRatio: '4:3', aspectMode: 'cover' },
            T('4:3 cover', { size: 'xxs', align: 'center' })])
        ], { spacing: 'md', margin: 'md' }),
        H([
          V([{ type: 'image', url: IMG.landscape, size: 'full', aspectRatio: '1:2', aspectMode: 'fit', backgroundColor: '#FFE0B2' },
            T('1:2 fit', { size: 'xxs', align: 'center' })]),
          V([{ type: 'image', url: IMG.landscape, size: 'full', aspectRatio: '1:2', aspectMode: 'cover' },
            T('1:2 cover', { size: 'xxs', align: 'center' })]),
          V([{ type: 'image', url: IMG.landscape, size: 'full', aspectRatio: '1:3', aspectMode: 'cover' },
            T('1:3 cover', { size: 'xxs', align: 'center' })])
        ], { spacing: 'md', margin: 'md' }),
        V([{ type: 'image', url: IMG.landscape, size: 'full', aspectRatio: '16:9', aspectMode: 'cover' },
          T('full 16:9 cover', { size: 'xxs', align: 'center' })], { margin: 'md' }),
        V(['xl', 'xxl', '3xl', '4xl', '5xl'].map(function (s) {
          return { type: 'image', url: IMG.landscape, size: s, aspectRatio: '4:1', aspectMode: 'cover', margin: 'xs' };
        }).concat([T('xl xxl 3xl 4xl 5xl (4:1 cover)', { size: 'xxs', align: 'center' })]), { margin: 'md' })
      ])))
    },
    {
      id: 'icons',
      title: 'Icons in baseline boxes',
      note: 'baseline boxes align icon bottoms with the text baseline; icon sizes follow text sizes; aspectRatio 2:1',
      messages: one(bubble(V([
        box('baseline', [1, 2, 3, 4].map(function () { return { type: 'icon', url: IMG.star, size: 'sm' }; })
          .concat([T('4.0', { size: 'sm', color: '#999999', margin: 'md', flex: 0 })])),
        box('baseline', [{ type: 'icon', url: IMG.star, size: 'xl' }, T('icon xl + text md', { margin: 'sm' })], { margin: 'md' }),
        box('baseline', [{ type: 'icon', url: IMG.star, size: 'xxl', aspectRatio: '2:1' }, T('2:1 icon, text xxs', { size: 'xxs', margin: 'sm' })], { margin: 'md' }),
        box('baseline', [T('Place', { size: 'sm', color: '#aaaaaa', flex: 1 }), T('旭市 子育て支援センター', { size: 'sm', flex: 4, wrap: true })],
          { margin: 'lg', spacing: 'sm' }),
        box('baseline', [T('big', { size: 'xxl' }), T('small', { size: 'xs' }), T('baseline', { size: 'md' })], { margin: 'md' })
      ])))
    },
    {
      id: 'separators',
      title: 'Separators',
      note: 'horizontal in vertical boxes, vertical in horizontal boxes; margin; color',
      messages: one(bubble(V([
        T('above'), { type: 'separator' }, T('below (no margin)'),
        { type: 'separator', margin: 'xl', color: '#E53935' }, T('red separator, margin xl', { margin: 'xl' }),
        H([T('left', { align: 'center' }), { type: 'separator' }, T('mid', { align: 'center' }),
          { type: 'separator', color: '#5b8def', margin: 'md' }, T('right', { align: 'center', margin: 'md' })], { margin: 'xl' })
      ])))
    },
    {
      id: 'filler',
      title: 'Filler',
      note: 'filler (deprecated) takes free space: flex 1 by default, ignores spacing',
      messages: one(bubble(V([
        H([tag('A', '#5b8def', { flex: 0 }), { type: 'filler' }, tag('B', '#ef8d5b', { flex: 0 })], { spacing: 'md' }),
        H([{ type: 'filler', flex: 2 }, tag('after filler flex 2', '#8e5bef', { flex: 1 })], { margin: 'md' }),
        H([V([T('tall\nleft', { wrap: true })], { backgroundColor: '#eeeeee' }),
          V([{ type: 'filler' }, T('pushed down', { size: 'xs' })])], { margin: 'md' })
      ])))
    },
    {
      id: 'absolute',
      title: 'position absolute and offsets',
      note: 'absolute badge at offsetTop 8px / offsetEnd 8px; absolute box at 50% / 10px; relative offsetTop 10px + offsetStart 40px',
      messages: one({
        type: 'bubble',
        hero: V([
          { type: 'image', url: IMG.landscape, size: 'full', aspectRatio: '20:13', aspectMode: 'cover' },
          V([T('NEW', { size: 'xs', color: '#ffffff', weight: 'bold' })],
            { position: 'absolute', offsetTop: '8px', offsetEnd: '8px', backgroundColor: '#E53935', cornerRadius: 'md', paddingAll: 'xs', paddingStart: 'md', paddingEnd: 'md' }),
          V([T('offsetTop 50%, offsetStart 10px', { size: 'xxs', color: '#ffffff' })],
            { position: 'absolute', offsetTop: '50%', offsetStart: '10px', backgroundColor: '#00000099', paddingAll: 'xs' })
        ]),
        body: V([
          V([T('REFERENCE', { size: 'xs', align: 'center' })], { backgroundColor: '#dddddd' }),
          V([T('TARGET relative 10px/40px', { size: 'xs', align: 'center', color: '#ffffff' })],
            { backgroundColor: '#5b8def', position: 'relative', offsetTop: '10px', offsetStart: '40px' }),
          V([T('x', { size: 'xs', color: '#ffffff', align: 'center' })],
            { position: 'absolute', offsetBottom: 'none', offsetEnd: 'none', width: '24px', height: '24px', backgroundColor: '#ef8d5b', justifyContent: 'center' })
        ], { height: '120px' })
      })
    },
    {
      id: 'gradient',
      title: 'Linear gradient backgrounds',
      note: '0deg bottom→top, 90deg left→right, 180deg top→bottom; centerColor at 10% / 50% / 90%',
      messages: one(bubble(V(
        ['0deg', '90deg', '180deg'].map(function (a) {
          return V([T('angle ' + a, { size: 'xs', color: '#ffffff' })],
            { height: '44px', margin: 'sm', paddingAll: 'sm', background: { type: 'linearGradient', angle: a, startColor: '#0000ff', endColor: '#ff0000' } });
        }).concat(['10%', '50%', '90%'].map(function (p) {
          return V([T('centerColor at ' + p, { size: 'xs', color: '#ffffff' })],
            { height: '44px', margin: 'sm', paddingAll: 'sm', background: { type: 'linearGradient', angle: '90deg', startColor: '#0000ff', centerColor: '#00ff00', endColor: '#ff0000', centerPosition: p } });
        }))
      )))
    },
    {
      id: 'carousel',
      title: 'Carousel of 3',
      note: 'scrolls sideways with snap; every bubble as tall as the tallest (bodies stretch, footers stay at the bottom)',
      messages: [flex({ type: 'carousel', contents: [
        bubble(V([T('短い', { weight: 'bold' })]), { size: 'kilo', footer: V([{ type: 'button', style: 'primary', height: 'sm', action: postback('one', 'carousel=1') }]) }),
        bubble(V([T('とても長い本文', { weight: 'bold' }), T(LOREM + LOREM, { wrap: true, size: 'sm' })]),
          { size: 'kilo', hero: { type: 'image', url: IMG.landscape, size: 'full', aspectRatio: '20:13', aspectMode: 'cover' },
            footer: V([{ type: 'button', style: 'link', height: 'sm', action: postback('two', 'carousel=2') }]) }),
        bubble(V([T('三つ目', { weight: 'bold' }), T(LOREM, { wrap: true, size: 'sm' })]),
          { size: 'kilo', footer: V([{ type: 'button', style: 'secondary', height: 'sm', action: postback('three', 'carousel=3') }]) })
      ] }, 'カルーセル')]
    },
    {
      id: 'text-message',
      title: 'Text message',
      note: 'type text: white bubble, "\\n" kept',
      messages: [{ type: 'text', text: 'こんにちは！\n子育てのことなら、下のメニューからどうぞ。' }]
    },
    {
      id: 'quick-reply',
      title: 'Quick reply',
      note: 'chips from quickReply.items (label = action.label); only the last message’s quick reply is shown',
      messages: [{ type: 'text', text: 'どれについて知りたいですか？', quickReply: { items: [
        { type: 'action', action: postback('健診', 'menu:kenshin') },
        { type: 'action', action: { type: 'message', label: '予防接種', text: '予防接種' } },
        { type: 'action', imageUrl: IMG.star, action: postback('おすすめ', 'menu:pick') },
        { type: 'action', action: { type: 'uri', label: '市のサイト', uri: 'https://example.com/' } },
        { type: 'action', action: { type: 'camera', label: 'カメラ' } }
      ] } }]
    },
    {
      id: 'actions',
      title: 'Actions on box, image, text and bubble',
      note: 'tap anything with an action: the innermost one fires; the page logs it below',
      messages: one(bubble(V([
        T('text with a message action', { action: { type: 'message', label: 't', text: 'text tapped' }, color: '#42659A' }),
        { type: 'image', url: IMG.landscape, size: 'sm', action: postback('image', 'tap=image'), margin: 'md' },
        V([T('box with an action', { size: 'sm' })], { action: postback('box', 'tap=box'), backgroundColor: '#eeeeee', paddingAll: 'md', margin: 'md' }),
        T('the rest of the bubble has a bubble action', { size: 'xs', color: '#888888', margin: 'md', wrap: true })
      ]), { action: postback('bubble', 'tap=bubble') }))
    },
    {
      id: 'video',
      title: 'Video hero',
      note: 'videos are not played here: altContent is shown',
      messages: one({
        type: 'bubble',
        hero: { type: 'video', url: 'https://example.com/v.mp4', previewUrl: IMG.landscape, aspectRatio: '20:13',
          altContent: { type: 'image', url: IMG.landscape, size: 'full', aspectRatio: '20:13', aspectMode: 'cover' },
          action: { type: 'uri', label: 'more', uri: 'https://example.com/' } },
        body: V([T('video → altContent image', { size: 'sm' })])
      })
    },
    {
      id: 'rtl',
      title: 'direction rtl',
      note: 'components placed right to left; start/end follow the direction',
      messages: one(bubble(V([
        H([tag('1'), tag('2', '#ef8d5b'), tag('3', '#8e5bef')], { spacing: 'sm' }),
        T('align start', { margin: 'md' }),
        V([tag('paddingStart 30px')], { paddingStart: '30px', backgroundColor: '#eeeeee', margin: 'md' })
      ]), { direction: 'rtl', size: 'kilo' }))
    },
    {
      id: 'other-types',
      title: 'Other message types',
      note: 'sticker and image messages become labelled placeholders',
      messages: [
        { type: 'sticker', packageId: '446', stickerId: '1988' },
        { type: 'image', originalContentUrl: 'https://example.com/a.jpg', previewImageUrl: 'https://example.com/a.jpg' }
      ]
    },
    {
      id: 'robustness',
      title: 'Unknown and unsafe input',
      note: 'unknown component types show a red box; unknown properties are ignored; javascript: and relative image URLs are refused',
      messages: one(bubble(V([
        { type: 'spacer', size: 'md' },
        { type: 'span', text: 'span outside a text' },
        T('unknown properties ignored', { sparkle: true, size: 'huge', color: 'red; background: url(https://example.com/x)' }),
        H([
          V([{ type: 'image', url: 'javascript:alert(1)', size: 'xs' }, T('javascript:', { size: 'xxs', align: 'center' })]),
          V([{ type: 'image', url: '../secret.png', size: 'xs' }, T('relative', { size: 'xxs', align: 'center' })]),
          V([{ type: 'image', url: 'data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=', size: 'xs' }, T('svg data:', { size: 'xxs', align: 'center' })])
        ], { margin: 'md', spacing: 'sm' }),
        null,
        { type: 'box', layout: 'vertical' }
      ])))
    },
    {
      id: 'injection',
      title: 'HTML in message data stays text',
      note: 'a <script> and an <img onerror> in text, span, button label and quick reply label are shown literally and never run',
      messages: [
        flex(bubble(V([
          T('<script>window.__oyakoPwned = "text"</script>', { wrap: true, size: 'sm' }),
          { type: 'text', wrap: true, size: 'sm', contents: [{ type: 'span', text: '<img src=x onerror="window.__oyakoPwned=\'span\'">' }] },
          { type: 'button', style: 'secondary', height: 'sm', action: postback('<b onmouseover="window.__oyakoPwned=1">label</b>', 'x') }
        ], { spacing: 'sm' })), '<script>window.__oyakoPwned = "alt"</script>'),
        { type: 'text', text: '<script>window.__oyakoPwned = "textmsg"</script>', quickReply: { items: [
          { type: 'action', action: postback('<img src=x onerror=alert(1)>', 'qr') }
        ] } }
      ]
    }
  ];

  global.OYAKO_GALLERY_EXAMPLES = examples;
})(window);
