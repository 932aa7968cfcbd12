// End-to-end test of `oyako dev` in Debian's Chromium: a parent adds the friend, taps
// menu → section → page, types a search word; staff edit a page (live reload) and break one
// (the error shows in Japanese and the old version keeps answering).
//   OYAKO_BIN=target/debug/oyako node --test tests/browser/dev.test.mjs
// Screenshots go to artifacts/browser/dev-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ARTIFACTS, copySample, launchChromium, startDev } from './harness.mjs';

const T = { timeout: 120_000 };

let work, dev, browser, page;
const waitForLog = (text, ms) => dev.waitForLog(text, ms);

async function shot(name) {
  await page.screenshot({ path: join(ARTIFACTS, `dev-${name}.png`), fullPage: true });
}

/** The newest bubble (or chat row) containing `text`. */
const latest = (selector, text) => page.locator(selector, { hasText: text }).last();

before(async () => {
  work = await copySample('oyako-dev-');
  const started = Date.now();
  dev = await startDev(work, ['--today', '2026-11-27']);
  await waitForLog('シミュレーター: ');
  console.log(`oyako dev ready after ${Date.now() - started} ms (build included)`);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${dev.url}/`);
  await page.waitForSelector('#status:not(:has-text("ビルド中"))');
  page.errors = errors;
});

after(async () => {
  await browser?.close();
  dev?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

test('adding the friend shows the welcome, the menu and quick replies', T, async () => {
  await page.click('#follow');
  await latest('.oy-bubble', '旭市 子育て応援LINE').waitFor();
  await latest('.oy-bubble', '妊娠・出産').waitFor();
  // The follow reply ends with the question where parents heard of the account (its answers are the chips).
  assert.ok(await page.locator('#quick-replies .oy-qr-chip', { hasText: '答えない' }).count() >= 1);
  assert.match(await page.textContent('#chat-list-preview'), /メニュー|ようこそ|友だち|どこで知りましたか/);
  await shot('1-follow');
});

test('the rich menu is shown and its areas tap like on LINE', T, async () => {
  const img = page.locator('#richmenu-image .oy-richmenu-image');
  await img.waitFor();
  assert.ok(await img.evaluate((i) => i.complete && i.naturalWidth === 2500));
  assert.equal(await page.locator('#richmenu-image .oy-richmenu-area').count(), 6);
  assert.match(await page.textContent('#chatbar'), /メニューを開く/);
  const before = await page.locator('.row.bot').count();
  await page.locator('#richmenu-image .oy-richmenu-area').nth(5).click();
  await latest('.user-bubble', 'イベント').waitFor();
  await page.waitForFunction((n) => document.querySelectorAll('.row.bot').length > n, before);
  assert.match(await page.locator('.row.bot').last().textContent(), /妊婦教室|クリスマス/);
  await shot('1b-richmenu');
});

test('menu → section → page in taps', T, async () => {
  await latest('.oy-bubble', '妊娠・出産').locator('.oy-button-face', { hasText: '一覧を見る' }).click();
  await latest('.user-bubble', '妊娠・出産').waitFor();
  const card = latest('.oy-bubble', '母子健康手帳の交付');
  await card.waitFor();
  await shot('2-section');
  await card.locator('.oy-button-face', { hasText: '見る' }).click();
  const pageBubble = latest('.oy-bubble', '妊娠届');
  await pageBubble.waitFor();
  assert.match(await pageBubble.textContent(), /母子健康手帳の交付/);
  await shot('3-page');
});

test('typing a search word answers with matching pages', T, async () => {
  await page.fill('#input', 'おむつ');
  await page.press('#input', 'Enter');
  await latest('.user-bubble', 'おむつ').waitFor();
  await latest('.oy-bubble', '乳幼児紙おむつの支給').waitFor();
  await page.fill('#input', 'きょうのてんき');
  await page.press('#input', 'Enter');
  await latest('.oy-textmsg', 'ごめんなさい').waitFor();
  await shot('4-search');
});

test('a quick reply chip opens its section', T, async () => {
  const before = await page.locator('.row.bot').count();
  await page.locator('#quick-replies .oy-qr-chip', { hasText: '手当・助成' }).click();
  await latest('.user-bubble', '手当・助成').waitFor();
  await page.waitForFunction((n) => document.querySelectorAll('.row.bot').length > n, before);
  assert.match(await page.locator('.row.bot').last().textContent(), /児童手当/);
});

test('the date control moves the runtime clock and back', T, async () => {
  await page.fill('#clock-date', '2027-04-01');
  await page.click('#clock button[type=submit]');
  await page.waitForSelector('#clock-now.moved');
  assert.match(await page.textContent('#clock-now'), /2027-04-01T/);
  const clock = await (await page.request.get(new URL('/_sim/clock', page.url()).href)).json();
  assert.equal(clock.date, '2027-04-01');
  const bad = await page.request.post(new URL('/_sim/clock', page.url()).href, { data: { date: '2027-02-30' } });
  assert.equal(bad.status(), 400);
  await page.click('#clock-reset');
  await page.waitForSelector('#clock-now:not(.moved)');
});

test('editing content reloads the running account; a broken file shows a Japanese error and the old version keeps working', { timeout: 300_000 }, async () => {
  const file = join(work, 'content', 'ninshin', 'boshi-techo.md');
  const original = await readFile(file, 'utf8');
  await writeFile(file, original.replace('title: 母子健康手帳の交付', 'title: 母子手帳をもらう'));
  // A debug build of the sample (a year of day-dependent replies) on a loaded CI machine takes a while.
  await waitForLog('bundle reloaded', 90_000);
  await page.fill('#input', '母子手帳をもらう');
  await page.press('#input', 'Enter');
  await latest('.oy-bubble', '母子手帳をもらう').waitFor();

  await writeFile(file, original.replace('title: 母子健康手帳の交付', 'titel: 母子健康手帳の交付'));
  await page.waitForSelector('#status.error');
  const status = await page.textContent('#status');
  assert.match(status, /boshi-techo\.md:2:1: エラー: 知らない設定「titel」があります/);
  assert.match(status, /「title」のまちがいではありませんか？/);
  await shot('5-build-error');
  await page.fill('#input', '予防接種');
  await page.press('#input', 'Enter');
  await latest('.oy-bubble', '予防接種').waitFor();
  await writeFile(file, original);
  await page.waitForSelector('#status:not(.error)');
  assert.deepEqual(page.errors, []);
});
