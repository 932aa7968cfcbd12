// Promotion in the static preview and the printables' overview (dist/promo/index.html), opened
// from file:// as staff open a CI artifact: the question after the follow, the share button,
// and every poster, card and the website snippet shown and linked.
//   OYAKO_BIN=target/debug/oyako node --test tests/browser/promo.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm, writeFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ARTIFACTS, BIN, copySample, launchChromium } from './harness.mjs';

const T = { timeout: 120_000 };

let work, browser, page;
const errors = [];

before(async () => {
  work = await copySample('oyako-promo-');
  // A title with markup: the snippet and the overview must show it as text.
  const index = join(work, 'content', '_index.md');
  const account = await readFile(index, 'utf8');
  await writeFile(index, account.replace(/^title: .*$/m, 'title: "旭市 子育て<i>応援</i>LINE"'));
  execFileSync(BIN, ['build', '--content', join(work, 'content'), '--out', join(work, 'dist'), '--today', '2026-11-27'],
    { stdio: 'pipe' });
  browser = await launchChromium({ files: true });
  page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  page.on('pageerror', (e) => errors.push(e.message));
});

after(async () => {
  await browser?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

test('the welcome asks where parents heard of the account and offers the share button', T, async () => {
  await page.goto(pathToFileURL(join(work, 'dist', 'preview', 'index.html')).href + '#follow');
  await page.locator('#chat .oy-textmsg', { hasText: 'この LINE をどこで知りましたか？' }).waitFor();
  const chips = await page.locator('#chat .oy-qr-chip').allTextContents();
  assert.deepEqual(chips, ['母子手帳の交付窓口', '出生届の窓口', '乳幼児健診', '予防接種のお知らせ', '子育て支援センター', '市のホームページ', 'その他', '答えない']);
  await page.screenshot({ path: join(ARTIFACTS, 'promo-follow.png'), fullPage: true });
  await page.locator('#chat .oy-button-face', { hasText: '家族や友だちに教える' }).first().click();
  await page.locator('#chat .preview-note', { hasText: 'https://line.me/R/nv/recommendOA/%40' }).waitFor();
  await page.locator('#chat .oy-qr-chip', { hasText: '母子手帳の交付窓口' }).click();
  await page.locator('#current', { hasText: 'promo:boshi-techo' }).waitFor();
  await page.locator('#chat .oy-textmsg', { hasText: 'ありがとうございます' }).waitFor();
});

test('the overview shows every printable and the snippet, escaped', T, async () => {
  await page.goto(pathToFileURL(join(work, 'dist', 'preview', 'index.html')).href);
  const link = page.locator('#nav a.nav-printables');
  assert.equal(await link.getAttribute('href'), '../promo/index.html');
  await page.goto(new URL('../promo/index.html', page.url()).href);
  const images = page.locator('table img');
  assert.equal(await images.count(), 12, 'a poster and a card for each of the 6 channels');
  for (const img of await images.all()) {
    await img.scrollIntoViewIfNeeded();
    await page.waitForFunction((i) => i.complete, await img.elementHandle());
    assert.ok(await img.evaluate((i) => i.naturalWidth > 600), await img.getAttribute('src'));
  }
  for (const a of await page.locator('table a[href$=".pdf"]').all()) {
    assert.ok(existsSync(join(work, 'dist', 'promo', await a.getAttribute('href'))));
  }
  assert.equal(await page.locator('h1').textContent(), '旭市 子育て<i>応援</i>LINE の印刷物');
  assert.equal(await page.locator('h1 i, .oyako-line-add i').count(), 0, 'no markup from content');
  const qr = page.locator('.oyako-line-add svg');
  assert.ok((await qr.boundingBox()).width >= 150);
  assert.match(await page.locator('.oyako-line-add a').getAttribute('href'), /^https:\/\/line\.me\/R\/ti\/p\/%40/);
  assert.match(await page.inputValue('textarea'), /<div class="oyako-line-add"/);
  await page.screenshot({ path: join(ARTIFACTS, 'promo-index.png'), fullPage: true });
  assert.deepEqual(errors, []);
});
