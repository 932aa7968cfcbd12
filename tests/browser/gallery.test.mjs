// Browser tests for the Flex renderer (compiler/web/flex.js) on its gallery page.
//   cd tests/browser && npm ci && cd ../.. && node --test tests/browser/
// Needs Debian's chromium (apt-get install -y chromium fonts-noto-cjk) or CHROMIUM=/path.
// Screenshots go to artifacts/browser/ (gallery.png, snapshots.png, examples/<id>.png).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { readSnapshot } from './update-gallery-snapshots.mjs';
import { ARTIFACTS, ROOT, launchChromium } from './harness.mjs';

const WEB = join(ROOT, 'compiler', 'web');
const SNAPSHOTS = join(ROOT, 'compiler', 'tests', 'snapshots');
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.png': 'image/png' };
const T = { timeout: 60_000 };

let server, base, browser, context, page;
const problems = []; // console errors, page errors, failed requests of the gallery page

/** A static file server for compiler/web on 127.0.0.1:<free port>, GET only, no traversal. */
function serve() {
  const srv = http.createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
      const file = resolve(WEB, '.' + path);
      if (req.method !== 'GET' || !file.startsWith(WEB + sep)) throw new Error('refused');
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] || 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    }
  });
  return new Promise((ok) => srv.listen(0, '127.0.0.1', () => ok(srv)));
}

async function openGallery(ctx) {
  const p = await ctx.newPage();
  p.on('console', (m) => { if (m.type() === 'error') problems.push('console: ' + m.text()); });
  p.on('pageerror', (e) => problems.push('pageerror: ' + e.message));
  p.on('requestfailed', (r) => problems.push('requestfailed: ' + r.url()));
  await p.goto(base + '/gallery.html', { waitUntil: 'load' });
  await p.waitForFunction(() => document.documentElement.dataset.rendered);
  return p;
}

before(async () => {
  await mkdir(join(ARTIFACTS, 'examples'), { recursive: true });
  server = await serve();
  base = `http://127.0.0.1:${server.address().port}`;
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, locale: 'ja-JP' });
  page = await openGallery(context);
});

after(async () => {
  await browser?.close();
  await new Promise((ok) => (server ? server.close(ok) : ok()));
});

// ---- helpers -------------------------------------------------------------------------------
const ex = (id) => `[data-example="${id}"]`;
/** Bounding boxes of everything matching `selector`. */
const boxes = (selector) => page.$$eval(selector, (els) => els.map((e) => {
  const r = e.getBoundingClientRect();
  return { x: r.x, y: r.y, w: r.width, h: r.height, right: r.right, bottom: r.bottom };
}));
const styleOf = (selector, props) => page.$eval(selector, (e, props) => {
  const s = getComputedStyle(e);
  return Object.fromEntries(props.map((p) => [p, s.getPropertyValue(p)]));
}, props);
const near = (actual, expected, tol, what) =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} is not ${expected} ± ${tol}`);
const lastAction = () => page.evaluate(() => window.__oyakoActions[window.__oyakoActions.length - 1]);

// ---- tests ---------------------------------------------------------------------------------
test('the gallery renders every example without errors', T, async () => {
  const expected = await page.evaluate(() => window.OYAKO_GALLERY_EXAMPLES.length + window.OYAKO_GALLERY_SNAPSHOTS.length);
  assert.equal(await page.locator('section.g-item').count(), expected);
  assert.ok(expected >= 25, 'gallery too small');
  const stray = await page.$$eval('.oy-unsupported', (els) =>
    els.filter((e) => !e.closest('[data-example="robustness"]')).map((e) => e.textContent));
  assert.deepEqual(stray, [], 'unsupported boxes outside the robustness example');
  const broken = await page.$$eval('img', (imgs) => imgs.filter((i) => !i.complete || i.naturalWidth === 0).map((i) => i.src.slice(0, 60)));
  assert.deepEqual(broken, [], 'images that did not load');
  assert.deepEqual(problems, []);
});

test('bubble sizes are LINE widths (giga capped by the screen)', T, async () => {
  const widths = { nano: 120, micro: 160, deca: 220, hecto: 241, kilo: 260, mega: 300 };
  for (const [size, px] of Object.entries(widths)) {
    const [b] = await boxes(`${ex('bubble-sizes')} .oy-bubble[data-size="${size}"]`);
    near(b.w, px, 0.5, `${size} bubble width`);
  }
  const [giga] = await boxes(`${ex('bubble-sizes')} .oy-bubble[data-size="giga"]`);
  const [chat] = await boxes(`${ex('bubble-sizes')} .g-chat`);
  near(giga.w, Math.min(386, chat.w), 0.5, 'giga bubble width');
  const radius = await styleOf(`${ex('bubble-sizes')} .oy-bubble[data-size="mega"]`, ['border-top-left-radius', 'background-color']);
  assert.equal(radius['background-color'], 'rgb(255, 255, 255)');
});

test('blocks get LINE default paddings per bubble size; styles apply', T, async () => {
  const pad = (sel) => styleOf(sel, ['padding-top', 'padding-right', 'padding-bottom', 'padding-left']);
  assert.deepEqual(Object.values(await pad(`${ex('bubble-sizes')} .oy-size-kilo > .oy-body > .oy-box`)), ['13px', '13px', '17px', '13px']);
  assert.deepEqual(Object.values(await pad(`${ex('bubble-sizes')} .oy-size-mega > .oy-body > .oy-box`)), ['19px', '20px', '10px', '20px']);
  assert.deepEqual(Object.values(await pad(`${ex('bubble-sizes')} .oy-size-nano > .oy-footer > .oy-box`)), ['10px', '10px', '10px', '10px']);
  const header = await styleOf(`${ex('blocks')} .oy-header`, ['background-color']);
  assert.equal(header['background-color'], 'rgb(0, 185, 0)');
  const footer = await styleOf(`${ex('blocks')} .oy-footer`, ['border-top-color', 'border-top-style']);
  assert.deepEqual(footer, { 'border-top-color': 'rgb(255, 0, 0)', 'border-top-style': 'solid' });
  // the first block never gets a separator
  assert.equal((await styleOf(`${ex('blocks')} .oy-header`, ['border-top-style']))['border-top-style'], 'none');
});

test('horizontal flex 1:2 splits the width 1:2; flex 0 takes its content width', T, async () => {
  const row = `${ex('flex-ratios')} .oy-body > .oy-box > .oy-horizontal`;
  const [a, b] = await boxes(`${row}:nth-child(1) > .oy-c`);
  near(b.w / a.w, 2, 0.02, 'flex 2 / flex 1');
  const [hello, two, three] = await boxes(`${row}:nth-child(2) > .oy-c`);
  assert.ok(hello.w < 60, `flex 0 text is content-sized (${hello.w})`);
  // these cells have 2px padding each side: flexbox shares the space left after padding
  near((three.w - 4) / (two.w - 4), 1.5, 0.02, 'flex 3 / flex 2');
  // vertical children with flex 2 and 3 share the spare height of a stretched column
  const [f2, f3] = await boxes(`${row}:nth-child(3) > .oy-c:nth-child(2) > .oy-c`);
  assert.ok(f3.h > f2.h, 'flex 3 taller than flex 2');
});

test('spacing, margin (overrides spacing, applies to a first child) and px values', T, async () => {
  const col = `${ex('spacing-margin')} .oy-body > .oy-box > .oy-c`;
  const [A, B, C] = await boxes(`${col}:nth-child(1) > .oy-c`);
  near(B.y - A.bottom, 8, 0.5, 'spacing md');
  near(C.y - B.bottom, 20, 0.5, 'margin xxl beats spacing');
  const [h1, h2, h3] = await boxes(`${col}:nth-child(2) > .oy-c`);
  near(h2.x - h1.right, 12, 0.5, 'horizontal spacing lg');
  near(h3.x - h2.right, 12, 0.5, 'horizontal spacing lg');
  const [p1, p2] = await boxes(`${col}:nth-child(3) > .oy-c`);
  near(p2.x - p1.right, 10, 0.5, 'spacing 10px');
  const [parent] = await boxes(`${col}:nth-child(4)`);
  const [first] = await boxes(`${col}:nth-child(4) > .oy-c`);
  near(first.y - parent.y, 16, 0.5, 'margin xl on a first child');
});

test('padding keywords, px and % (of the width)', T, async () => {
  const col = `${ex('padding')} .oy-body > .oy-box`;
  const [outer, start, top] = await boxes(`${col} > .oy-c`);
  const [inAll] = await boxes(`${col} > .oy-c:nth-child(1) > .oy-c`);
  near(inAll.x - outer.x, 16, 0.5, 'paddingAll xl (left)');
  near(outer.right - inAll.right, 16, 0.5, 'paddingAll xl (right)');
  near(inAll.y - outer.y, 16, 0.5, 'paddingAll xl (top)');
  const [inStart] = await boxes(`${col} > .oy-c:nth-child(2) > .oy-c`);
  near(inStart.x - start.x, 40, 0.5, 'paddingStart 40px');
  const [inTop] = await boxes(`${col} > .oy-c:nth-child(3) > .oy-c`);
  near(inTop.y - top.y, 0.1 * outer.w, 0.6, 'paddingTop 10%');
});

test('box border widths, corner radius, #RRGGBBAA and width/maxWidth/maxHeight', T, async () => {
  const col = `${ex('box-styles')} .oy-body > .oy-box > .oy-c`;
  const widths = await page.$$eval(`${col}:nth-child(1) > .oy-c`, (els) => els.map((e) => getComputedStyle(e).borderTopWidth));
  assert.deepEqual(widths.slice(1), ['1px', '2px', '3px', '4px', '6px']); // light (0.5px) rounds to a device pixel
  const radii = await page.$$eval(`${col}:nth-child(2) > .oy-c`, (els) => els.map((e) => getComputedStyle(e).borderTopLeftRadius));
  assert.deepEqual(radii, ['0px', '4px', '8px', '12px', '20px', '30px']);
  assert.equal((await styleOf(`${col}:nth-child(3) > .oy-c:nth-child(1)`, ['background-color']))['background-color'], 'rgba(255, 0, 0, 0.25)');
  const [body] = await boxes(`${ex('box-styles')} .oy-body > .oy-box`);
  const [w60, maxW, h60, maxH] = await boxes(`${col}:nth-child(n+4)`);
  near(w60.w, 0.6 * (body.w - 40), 0.5, 'width 60%');
  near(maxW.w, 120, 0.5, 'maxWidth beats width');
  near(h60.h, 60, 0.5, 'height 60px');
  near(maxH.h, 40, 0.5, 'maxHeight 40px');
});

test('text sizes follow LINE keywords and px', T, async () => {
  const sizes = await page.$$eval(`${ex('text-sizes')} .oy-text-p`, (els) => els.map((e) => getComputedStyle(e).fontSize));
  assert.deepEqual(sizes, ['11px', '13px', '14px', '16px', '19px', '22px', '29px', '35px', '48px', '74px', '20px']);
  const styles = await page.$$eval(`${ex('text-styles')} .oy-text-p`, (els) => els.slice(0, 9).map((e) => {
    const s = getComputedStyle(e);
    return [s.fontWeight, s.color, s.fontStyle, s.textDecorationLine, s.textAlign].join(' ');
  }));
  assert.deepEqual(styles, [
    '400 rgb(17, 17, 17) normal none start',
    '700 rgb(17, 17, 17) normal none start',
    '400 rgb(229, 57, 53) normal none start',
    '400 rgb(17, 17, 17) italic none start',
    '400 rgb(17, 17, 17) normal underline start',
    '400 rgb(17, 17, 17) normal line-through start',
    '400 rgb(17, 17, 17) normal none start',
    '400 rgb(17, 17, 17) normal none center',
    '400 rgb(17, 17, 17) normal none end',
  ]);
});

test('wrap:false is one line with an ellipsis; wrap, maxLines and lineSpacing', T, async () => {
  const texts = await page.$$eval(`${ex('text-wrap')} .oy-text-p`, (els) => els.map((e) => {
    const s = getComputedStyle(e);
    return { h: e.getBoundingClientRect().height, lh: parseFloat(s.lineHeight), sw: e.scrollWidth, cw: e.clientWidth, overflow: s.textOverflow, ws: s.whiteSpace };
  }));
  const [nowrap, wrap, breaks, clamp, spaced] = texts;
  near(nowrap.h, nowrap.lh, 1, 'wrap:false height = one line');
  assert.ok(nowrap.sw > nowrap.cw, 'long wrap:false text overflows');
  assert.equal(nowrap.overflow, 'ellipsis');
  assert.ok(wrap.h > 2.5 * wrap.lh, 'wrap:true wraps onto several lines');
  near(breaks.h, 3 * breaks.lh, 1, '"\\n" gives three lines');
  near(clamp.h, 2 * clamp.lh, 1, 'maxLines 2');
  near(spaced.lh, 14 * 1.4 + 12, 0.5, 'lineSpacing 12px adds to the line height');
});

test('spans carry their own size, weight, colour, style and decoration', T, async () => {
  const spans = await page.$$eval(`${ex('spans')} .oy-span`, (els) => els.map((e) => {
    const s = getComputedStyle(e);
    return [e.textContent.trim(), s.fontSize, s.fontWeight, s.color, s.fontStyle, s.textDecorationLine].join('|');
  }));
  assert.deepEqual(spans.slice(0, 7), [
    'LINE|16px|400|rgb(17, 17, 17)|normal|none',
    'bold|16px|700|rgb(17, 17, 17)|normal|none',
    'red|16px|400|rgb(229, 57, 53)|normal|none',
    'xl|22px|400|rgb(17, 17, 17)|normal|none',
    'italic|16px|400|rgb(17, 17, 17)|italic|none',
    'underline|16px|400|rgb(17, 17, 17)|normal|underline',
    'strike|16px|400|rgb(17, 17, 17)|normal|line-through',
  ]);
  assert.ok(!(await page.textContent(ex('spans'))).includes('ignored when contents is set'));
});

test('button styles, colours and heights', T, async () => {
  const faces = await page.$$eval(`${ex('buttons')} .oy-button-face`, (els) => els.map((e) => {
    const s = getComputedStyle(e);
    return { bg: s.backgroundColor, fg: s.color, h: e.getBoundingClientRect().height, label: e.textContent };
  }));
  const by = Object.fromEntries(faces.map((f) => [f.label, f]));
  assert.equal(by['primary'].bg, 'rgb(23, 201, 80)'); // #17C950
  assert.equal(by['primary'].fg, 'rgb(255, 255, 255)');
  assert.equal(by['primary #D9690F'].bg, 'rgb(217, 105, 15)');
  assert.equal(by['secondary (message)'].bg, 'rgb(220, 223, 229)');
  assert.equal(by['secondary (message)'].fg, 'rgb(17, 17, 17)');
  assert.equal(by['secondary #FFE0B2'].bg, 'rgb(255, 224, 178)');
  assert.equal(by['link (uri)'].bg, 'rgba(0, 0, 0, 0)');
  assert.equal(by['link (uri)'].fg, 'rgb(66, 101, 154)'); // #42659A
  assert.equal(by['link #E53935 (default style)'].fg, 'rgb(229, 57, 53)');
  near(by['primary'].h, 52, 0.5, 'height md');
  near(by['sm'].h, 40, 0.5, 'height sm');
  const long = await page.$eval(`${ex('buttons')} .oy-body > .oy-box > .oy-button:last-child .oy-button-label`, (e) => e.scrollWidth > e.clientWidth);
  assert.ok(long, 'a long label is cut to one line');
});

test('images: keyword and % sizes, aspect ratios, fit vs cover, refused URLs', T, async () => {
  const areas = await boxes(`${ex('images')} .oy-image-area`);
  near(areas[0].w, 40, 0.5, 'xxs');
  near(areas[1].w, 60, 0.5, 'xs');
  near(areas[2].w, 80, 0.5, 'sm');
  near(areas[3].w, 100, 0.5, 'md');
  near(areas[0].h, 40, 0.5, 'default 1:1');
  const [body] = await boxes(`${ex('images')} .oy-body > .oy-box`);
  near(areas[5].w, (body.w - 40) / 2, 0.5, 'size 50%');
  near(areas[5].h, areas[5].w / 2, 0.5, '2:1');
  near(areas[6].w, 70, 0.5, '70px');
  near(areas[6].x, body.x + 20, 0.5, 'align start');
  const fits = await page.$$eval(`${ex('images')} .oy-image-img`, (els) => els.map((e) => getComputedStyle(e).objectFit));
  assert.deepEqual(fits.slice(7, 9), ['contain', 'cover']);
  const [full169] = await boxes(`${ex('images')} .oy-body > .oy-box > .oy-c:nth-child(7) .oy-image-area`);
  near(full169.h / full169.w, 9 / 16, 0.01, 'full 16:9');
  assert.equal((await styleOf(`${ex('images')} .oy-body > .oy-box > .oy-c:nth-child(5) .oy-image-sizer`, ['background-color']))['background-color'], 'rgb(51, 51, 51)');
  // refused: javascript:, relative, svg data:
  assert.equal(await page.locator(`${ex('robustness')} .oy-image-blocked`).count(), 3);
  const srcs = await page.$$eval('img', (imgs) => imgs.map((i) => i.getAttribute('src')));
  assert.ok(srcs.every((s) => /^(data:image\/png;base64,|https?:|gallery-assets\/)/.test(s)), 'only allowed image URLs reach <img>');
  // oyako-asset:/ resolved with assetBase
  assert.ok(srcs.includes('gallery-assets/a.png'));
});

test('icons sit on the text baseline in baseline boxes', T, async () => {
  const result = await page.$$eval(`${ex('icons')} .oy-baseline`, (rows) => rows.slice(0, 3).map((row) => {
    const icon = row.querySelector('.oy-icon-img').getBoundingClientRect();
    const p = row.querySelector('.oy-text-p');
    const probe = document.createElement('span'); // an empty inline-block sits on the baseline
    probe.style.cssText = 'display:inline-block;width:0;height:0';
    p.appendChild(probe);
    const baseline = probe.getBoundingClientRect().top;
    probe.remove();
    return { iconBottom: icon.bottom, baseline, iconH: icon.height };
  }));
  for (const r of result) near(r.iconBottom, r.baseline, 1, 'icon bottom on the baseline');
  assert.deepEqual(result.map((r) => Math.round(r.iconH)), [14, 22, 29]);
});

test('separators: horizontal in columns, vertical in rows, colour and margin', T, async () => {
  const col = `${ex('separators')} .oy-body > .oy-box`;
  const [hsep, redSep] = await boxes(`${col} > .oy-separator`);
  const [row] = await boxes(`${col} > .oy-horizontal`);
  assert.ok(hsep.w > 200 && hsep.h <= 1, 'horizontal hairline');
  assert.equal((await styleOf(`${col} > .oy-separator:nth-child(4)`, ['border-top-color']))['border-top-color'], 'rgb(229, 57, 53)');
  const [above] = await boxes(`${col} > .oy-text:nth-child(3)`);
  near(redSep.y - above.bottom, 16, 0.5, 'separator margin xl');
  const [vsep] = await boxes(`${col} > .oy-horizontal > .oy-separator`);
  assert.ok(vsep.w <= 1 && Math.abs(vsep.h - row.h) < 0.5, 'vertical separator spans the row');
});

test('position absolute with offsets, relative offsets', T, async () => {
  const [hero] = await boxes(`${ex('absolute')} .oy-hero > .oy-box`);
  const [badge, caption] = await boxes(`${ex('absolute')} .oy-hero > .oy-box > .oy-abs`);
  near(badge.y - hero.y, 8, 0.5, 'offsetTop 8px');
  near(hero.right - badge.right, 8, 0.5, 'offsetEnd 8px');
  near(caption.y - hero.y, hero.h / 2, 0.5, 'offsetTop 50%');
  near(caption.x - hero.x, 10, 0.5, 'offsetStart 10px');
  const [body] = await boxes(`${ex('absolute')} .oy-body > .oy-box`);
  const [ref, target, corner] = await boxes(`${ex('absolute')} .oy-body > .oy-box > .oy-c`);
  near(target.x - ref.x, 40, 0.5, 'relative offsetStart 40px');
  near(target.y - ref.bottom, 10, 0.5, 'relative offsetTop 10px');
  near(body.right - corner.right, 0, 0.5, 'absolute offsetEnd none');
  near(body.bottom - corner.bottom, 0, 0.5, 'absolute offsetBottom none');
  near(body.h, 120, 0.5, 'absolute children do not grow the box');
});

test('linear gradient backgrounds', T, async () => {
  const bgs = await page.$$eval(`${ex('gradient')} .oy-body > .oy-box > .oy-c`, (els) => els.map((e) => getComputedStyle(e).backgroundImage));
  assert.equal(bgs[1], 'linear-gradient(90deg, rgb(0, 0, 255) 0%, rgb(255, 0, 0) 100%)');
  assert.equal(bgs[3], 'linear-gradient(90deg, rgb(0, 0, 255) 0%, rgb(0, 255, 0) 10%, rgb(255, 0, 0) 100%)');
});

test('carousel scrolls sideways with snap; bubbles as tall as the tallest', T, async () => {
  const sel = `${ex('carousel')} .oy-carousel`;
  const before = await page.$eval(sel, (e) => ({ sw: e.scrollWidth, cw: e.clientWidth, overflow: getComputedStyle(e).overflowX }));
  assert.ok(before.sw > before.cw + 200, 'carousel content is wider than the screen');
  assert.equal(before.overflow, 'auto');
  const bubbles = await boxes(`${sel} .oy-bubble`);
  assert.equal(bubbles.length, 3);
  assert.ok(bubbles.every((b) => Math.abs(b.h - bubbles[1].h) < 0.5 && b.y === bubbles[0].y), 'equal heights');
  bubbles.forEach((b) => near(b.w, 260, 0.5, 'kilo in a carousel'));
  const footers = await boxes(`${sel} .oy-footer`);
  assert.ok(footers.every((f) => Math.abs(f.bottom - footers[0].bottom) < 0.5), 'footers at the bottom');
  await page.$eval(sel, (e) => e.scrollBy({ left: 150, behavior: 'instant' }));
  await page.waitForTimeout(400);
  const left = await page.$eval(sel, (e) => e.scrollLeft);
  const starts = await page.$$eval(`${sel} .oy-bubble`, (els) => els.map((b) => b.offsetLeft - b.parentElement.offsetLeft));
  assert.ok(left > 0, 'scrolled');
  assert.ok(starts.some((s) => Math.abs(s - left) < 2) || left === before.sw - before.cw, `snapped to a bubble (${left} vs ${starts})`);
  await page.locator(ex('carousel')).screenshot({ path: join(ARTIFACTS, 'carousel-scrolled.png') });
  await page.$eval(sel, (e) => e.scrollTo({ left: 0, behavior: 'instant' }));
});

test('direction rtl places components right to left', T, async () => {
  const [one, two, three] = await boxes(`${ex('rtl')} .oy-horizontal > .oy-c`);
  assert.ok(one.x > two.x && two.x > three.x);
  assert.equal((await styleOf(`${ex('rtl')} .oy-bubble`, ['direction'])).direction, 'rtl');
});

test('HTML in message data is shown as text and never runs (even without CSP)', T, async () => {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, bypassCSP: true });
  const p = await ctx.newPage();
  await p.goto(base + '/gallery.html', { waitUntil: 'load' });
  await p.waitForFunction(() => document.documentElement.dataset.rendered);
  await p.hover(`${ex('injection')} .oy-button-face`);
  await p.waitForTimeout(300);
  assert.equal(await p.evaluate(() => window.__oyakoPwned), undefined, 'injected code ran');
  const text = await p.textContent(ex('injection'));
  assert.ok(text.includes('<script>window.__oyakoPwned = "text"</script>'), 'script shown literally');
  assert.ok(text.includes('<img src=x onerror="window.__oyakoPwned=\'span\'">'), 'img shown literally');
  assert.ok(text.includes('<img src=x onerror=alert(1)>'), 'quick reply label shown literally');
  assert.equal(await p.locator(`${ex('injection')} script, ${ex('injection')} img, ${ex('injection')} b`).count(), 0);
  const handlers = await p.evaluate(() => [...document.querySelectorAll('#gallery *')]
    .flatMap((e) => [...e.attributes].map((a) => a.name)).filter((n) => n.startsWith('on')));
  assert.deepEqual(handlers, []);
  await ctx.close();
});

test('tapping calls onAction with the action; the innermost action wins; nothing navigates', T, async () => {
  const url = page.url();
  await page.click(`${ex('buttons')} .oy-button-face >> text="primary"`);
  assert.deepEqual(await lastAction(), { type: 'postback', label: 'primary', data: 'btn=primary', displayText: 'primary' });
  await page.click(`${ex('buttons')} .oy-button-face >> text="link (uri)"`);
  assert.deepEqual(await lastAction(), { type: 'uri', label: 'link (uri)', uri: 'https://example.com/' });
  assert.equal(page.url(), url, 'a uri action must not navigate');
  await page.click(`${ex('actions')} .oy-box.oy-action`);
  assert.equal((await lastAction()).data, 'tap=box');
  await page.click(`${ex('actions')} .oy-image-area.oy-action`);
  assert.equal((await lastAction()).data, 'tap=image');
  await page.click(`${ex('actions')} .oy-text.oy-action`);
  assert.equal((await lastAction()).text, 'text tapped');
  await page.click(`${ex('actions')} .oy-body > .oy-box > .oy-text:last-child`);
  assert.equal((await lastAction()).data, 'tap=bubble');
  await page.focus(`${ex('actions')} .oy-box.oy-action`);
  await page.keyboard.press('Enter');
  assert.equal((await lastAction()).data, 'tap=box', 'keyboard activation');
  assert.ok(await page.isVisible('#action-log'));
});

test('quick reply chips show action labels and call onAction', T, async () => {
  const labels = await page.$$eval(`${ex('quick-reply')} .oy-qr-chip`, (els) => els.map((e) => e.textContent));
  assert.deepEqual(labels, ['健診', '予防接種', 'おすすめ', '市のサイト', 'カメラ']);
  assert.equal(await page.locator(`${ex('quick-reply')} .oy-qr-chip img`).count(), 1);
  await page.click(`${ex('quick-reply')} .oy-qr-chip >> text="健診"`);
  assert.deepEqual(await lastAction(), { type: 'postback', label: '健診', data: 'menu:kenshin', displayText: '健診' });
  // renderMessages leaves the quick reply to the caller unless asked
  const without = await page.evaluate(() => OyakoFlex.renderMessages(window.OYAKO_GALLERY_EXAMPLES
    .find((e) => e.id === 'quick-reply').messages, {}).querySelectorAll('.oy-qr-chip').length);
  assert.equal(without, 0);
});

test('text messages, placeholders, video altContent and altTextOf', T, async () => {
  const t = await page.$eval(`${ex('text-message')} .oy-textmsg`, (e) => ({ text: e.textContent, ws: getComputedStyle(e).whiteSpace, bg: getComputedStyle(e).backgroundColor }));
  assert.deepEqual(t, { text: 'こんにちは！\n子育てのことなら、下のメニューからどうぞ。', ws: 'pre-wrap', bg: 'rgb(255, 255, 255)' });
  const placeholders = await page.$$eval(`${ex('other-types')} .oy-placeholder`, (els) => els.map((e) => e.textContent));
  assert.deepEqual(placeholders, ['[スタンプ]packageId 446 / stickerId 1988', '[画像]image message']);
  assert.equal(await page.locator(`${ex('video')} .oy-hero .oy-video .oy-image-img`).count(), 1);
  const alts = await page.evaluate(() => [
    { type: 'flex', altText: 'メニュー', contents: {} }, { type: 'text', text: 'やあ' }, { type: 'sticker' }, null, { type: 'x' },
  ].map(OyakoFlex.altTextOf));
  assert.deepEqual(alts, ['メニュー', 'やあ', 'スタンプが送信されました', '', '']);
});

test('garbage input renders something and never throws', T, async () => {
  const out = await page.evaluate(() => {
    const cases = [
      null, 42, 'text', {}, { type: 'flex' }, { type: 'flex', contents: null }, { type: 'flex', contents: { type: 'nope' } },
      { type: 'flex', contents: { type: 'carousel', contents: [null, 1, { type: 'bubble', size: 'huge', body: { type: 'box', layout: 'diagonal', contents: 'x' } }] } },
      { type: 'flex', contents: { type: 'bubble', styles: 'x', header: { type: 'text' }, hero: { type: 'video' }, body: { type: 'box', layout: 'vertical', contents: [
        { type: 'text', contents: [null, { type: 'span' }, { type: 'box' }] }, { type: 'image' }, { type: 'icon', url: 7 },
        { type: 'button' }, { type: 'box', layout: 'horizontal', contents: [{ type: 'text', text: { toString: null } }], flex: -3, margin: '__proto__' },
        { type: 'constructor' }, { type: 'toString' }, { type: 'box', layout: 'vertical', contents: [], background: { type: 'linearGradient', angle: '1deg); background: red' } },
      ] } } },
      { type: 'text', text: null }, { type: 'sticker', packageId: '<b>' },
    ];
    return cases.map((c) => {
      try {
        const n = OyakoFlex.renderMessage(c, {});
        return n instanceof HTMLElement ? 'ok' : 'not an element';
      } catch (e) {
        return 'threw ' + e.message;
      }
    });
  });
  assert.ok(out.every((r) => r === 'ok'), JSON.stringify(out));
  const deep = await page.evaluate(() => {
    let box = { type: 'text', text: 'deep' };
    for (let i = 0; i < 200; i++) box = { type: 'box', layout: i % 2 ? 'horizontal' : 'vertical', contents: [box] };
    return OyakoFlex.renderMessage({ type: 'flex', contents: { type: 'bubble', body: box } }).textContent;
  });
  assert.equal(deep, 'deep');
});

test('image URL allow-list', T, async () => {
  const got = await page.evaluate(() => [
    'https://example.com/a.png', 'http://127.0.0.1/a.png', 'oyako-asset:/kenshin/a.png', 'data:image/png;base64,iVBORw0KGgo=',
    'javascript:alert(1)', 'JAVASCRIPT:alert(1)', ' javascript:alert(1)', 'data:text/html,<script>', 'data:image/svg+xml;base64,AAAA',
    'file:///etc/passwd', 'blob:https://x/1', 'relative.png', '//evil.example/a.png', 'oyako-asset:/javascript:alert(1)',
    'oyako-asset://evil.example/a.png', 'ftp://x/a.png', 12,
  ].map((u) => OyakoFlex.safeImageUrl(u, { assetBase: '/assets/' })));
  assert.deepEqual(got, [
    'https://example.com/a.png', 'http://127.0.0.1/a.png', '/assets/kenshin/a.png', 'data:image/png;base64,iVBORw0KGgo=',
    null, null, null, null, null, null, null, null, null, null, null, null, null,
  ]);
  assert.equal(await page.evaluate(() => OyakoFlex.safeImageUrl('oyako-asset:/a.png', {})), null, 'no assetBase, no asset image');
});

test('every real compiler snapshot renders cleanly (screenshot: snapshots.png)', T, async () => {
  const files = (await readdir(SNAPSHOTS)).filter((f) => f.startsWith('flex_snapshots__') && f.endsWith('.snap')).sort();
  assert.ok(files.length > 0, 'no flex snapshots found');
  const sets = await Promise.all(files.map(async (f) => ({ name: f.slice(16, -5), messages: readSnapshot(join(SNAPSHOTS, f)) })));
  const p = await openGallery(context);
  const report = await p.evaluate((sets) => {
    const main = document.getElementById('gallery');
    main.textContent = '';
    document.getElementById('index').textContent = '';
    return sets.map(({ name, messages }) => {
      const section = document.createElement('section');
      section.className = 'g-item';
      const h = document.createElement('h2');
      h.textContent = name;
      const chat = document.createElement('div');
      chat.className = 'g-chat';
      chat.appendChild(OyakoFlex.renderMessages(messages, { assetBase: 'gallery-assets/', quickReply: true }));
      section.append(h, chat);
      main.appendChild(section);
      const texts = [];
      const walk = (c) => {
        if (!c || typeof c !== 'object') return;
        if (c.type === 'text' && typeof c.text === 'string' && !c.contents) texts.push(c.text.replace(/\s+/g, ' '));
        if (c.type === 'span') texts.push(c.text.replace(/\s+/g, ' '));
        Object.values(c).forEach(walk);
      };
      walk(messages);
      const shown = chat.textContent.replace(/\s+/g, ' ');
      return {
        name,
        unsupported: [...chat.querySelectorAll('.oy-unsupported')].map((e) => e.textContent),
        missing: texts.filter((t) => !shown.includes(t.trim())),
        bubbles: chat.querySelectorAll('.oy-bubble').length,
      };
    });
  }, sets);
  for (const r of report) {
    assert.deepEqual(r.unsupported, [], `${r.name}: unsupported components`);
    assert.deepEqual(r.missing, [], `${r.name}: texts not shown`);
  }
  assert.ok(report.some((r) => r.bubbles > 1));
  await p.waitForLoadState('load');
  await p.screenshot({ path: join(ARTIFACTS, 'snapshots.png'), fullPage: true });
  await p.close();
});

test('screenshots: full gallery and one per example (artifacts/browser/)', T, async () => {
  await page.evaluate(() => document.getElementById('action-log').classList.remove('g-log-on')); // the tap toast
  const ids = await page.$$eval('section.g-item', (els) => els.map((e) => e.dataset.example));
  for (const id of ids) {
    await page.locator(ex(id)).screenshot({ path: join(ARTIFACTS, 'examples', `${id}.png`) });
  }
  await page.screenshot({ path: join(ARTIFACTS, 'gallery.png'), fullPage: true });
  assert.ok(existsSync(join(ARTIFACTS, 'gallery.png')));
  assert.deepEqual(problems, [], 'errors while testing');
});
