// The static preview (dist/preview/index.html), opened from file:// as a reviewer opens a CI
// artifact: navigation, taps between replies, the rich menu, and HTML escaping of content.
//   OYAKO_BIN=target/debug/oyako node --test tests/browser/preview.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ARTIFACTS, BIN, copySample, launchChromium } from './harness.mjs';

const T = { timeout: 120_000 };

let work, browser, page;
const errors = [];

before(async () => {
  work = await copySample('oyako-preview-');
  await writeFile(join(work, 'content', 'soudan', 'xss.md'),
    '---\ntitle: "<b>太字ではない</b>"\nsummary: "<img src=x onerror=window.__pwned=1>"\n---\n' +
    '<script>window.__pwned = 1</script>\n\n本文 <img src=x onerror="window.__pwned=2">\n');
  execFileSync(BIN, ['build', '--content', join(work, 'content'), '--out', join(work, 'dist'), '--today', '2026-11-27'],
    { stdio: 'pipe' });
  browser = await launchChromium({ files: true });
  page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(pathToFileURL(join(work, 'dist', 'preview', 'index.html')).href);
});

after(async () => {
  await browser?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

test('opens on the welcome and lists every page', T, async () => {
  await page.locator('#chat .oy-bubble', { hasText: '旭市 子育て応援LINE' }).first().waitFor();
  assert.equal(await page.textContent('#title'), '旭市 子育て応援LINE');
  assert.ok(await page.locator('#nav .nav-item').count() >= 40);
  await page.screenshot({ path: join(ARTIFACTS, 'preview-welcome.png'), fullPage: true });
});

test('taps move between replies and are linkable', T, async () => {
  await page.click('#nav .nav-item[data-key="page:teate/kami-omutsu"]');
  await page.locator('#chat .oy-bubble', { hasText: '乳幼児紙おむつの支給' }).first().waitFor();
  assert.match(page.url(), /#page%3Ateate%2Fkami-omutsu$/);
  await page.locator('#chat .oy-button-face', { hasText: '「手当・助成」のメニューへ' }).click();
  await page.locator('#current', { hasText: 'menu:teate' }).waitFor();
  await page.screenshot({ path: join(ARTIFACTS, 'preview-menu.png'), fullPage: true });
});

test('the rich menu image is shown with working tap areas', T, async () => {
  await page.click('#nav .nav-item[data-key="richmenu"]');
  const img = page.locator('.oy-richmenu-image').first();
  await img.waitFor();
  assert.ok(await img.evaluate((i) => i.complete && i.naturalWidth === 2500));
  assert.equal(await page.locator('.oy-richmenu-area').count(), 6);
  await page.screenshot({ path: join(ARTIFACTS, 'preview-richmenu.png'), fullPage: true });
  await page.locator('.oy-richmenu-area').first().click();
  await page.locator('#current', { hasText: 'menu:ninshin' }).waitFor();
});

test('content is escaped: tags show as text and nothing runs', T, async () => {
  await page.click('#nav .nav-item[data-key="page:soudan/xss"]');
  const bubble = page.locator('#chat .oy-bubble', { hasText: '<b>太字ではない</b>' }).first();
  await bubble.waitFor();
  assert.match(await bubble.textContent(), /<script>window.__pwned = 1<\/script>/);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.equal(await page.locator('#chat script, #chat b, #chat img[src="x"]').count(), 0);
  assert.deepEqual(errors, []);
});
