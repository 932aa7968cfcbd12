// Timed messages in `oyako dev`, in Debian's Chromium: a staff member registers a pretend
// child in the simulator (consent, LINE's date picker), moves the runtime's clock with the
// date control to the day of the 4-month message, and sees it arrive in the chat as a push;
// the preview shows the timeline.
//   OYAKO_BIN=target/debug/oyako node --test tests/browser/timed.test.mjs
// Screenshots go to artifacts/browser/timed-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ARTIFACTS, copySample, launchChromium, startDev } from './harness.mjs';

const T = { timeout: 120_000 };

let work, dev, browser, page;
const waitForLog = (text, ms) => dev.waitForLog(text, ms);

async function shot(name) {
  await page.screenshot({ path: join(ARTIFACTS, `timed-${name}.png`), fullPage: true });
}

const latest = (selector, text) => page.locator(selector, { hasText: text }).last();

// Dates as the runtime counts them: days in Japan, offsets as bundle::Offset::apply (years and
// months first, clamped to the month's end, then weeks and days).
const iso = (d) => d.toISOString().slice(0, 10);
const todayInJapan = () => new Date(new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Tokyo' }) + 'T00:00:00Z');
function addDays(d, n) { const r = new Date(d); r.setUTCDate(r.getUTCDate() + n); return r; }
function addOffset(d, { months = 0, weeks = 0 }) {
  const m = d.getUTCMonth() + months;
  const y = d.getUTCFullYear() + Math.floor(m / 12);
  const month = ((m % 12) + 12) % 12;
  const last = new Date(Date.UTC(y, month + 1, 0)).getUTCDate();
  return addDays(new Date(Date.UTC(y, month, Math.min(d.getUTCDate(), last))), 7 * weeks);
}

before(async () => {
  work = await copySample('oyako-timed-');
  dev = await startDev(work);
  await waitForLog('シミュレーター: ');
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.errors = errors;
  await page.goto(`${dev.url}/`);
  await page.waitForSelector('#status:not(:has-text("ビルド中"))');
});

after(async () => {
  await browser?.close();
  dev?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

// The 4-month message (3m3w after the birthday) is due two weeks from today.
const arrival = addDays(todayInJapan(), 14);
let birthday = addDays(todayInJapan(), -140);
while (iso(addOffset(birthday, { months: 3, weeks: 3 })) !== iso(arrival)) birthday = addDays(birthday, 1);

test('a staff member registers a pretend child: consent, then the date picker', T, async () => {
  await page.click('#follow');
  await latest('.oy-bubble', '旭市 子育て応援LINE').waitFor();
  await page.fill('#input', '配信登録');
  await page.click('#send');
  const consent = latest('.oy-bubble', '登録の前にご確認ください');
  await consent.waitFor();
  await consent.locator('.oy-button-face', { hasText: '同意して登録する' }).click();
  const pick = latest('.oy-bubble', '生年月日を選ぶ');
  await pick.waitFor();
  await shot('1-pick');
  await pick.locator('.oy-button-face', { hasText: '生年月日を選ぶ' }).click();
  const picker = page.locator('form.picker');
  await picker.waitFor();
  // LINE's picker limits the range: nothing after today.
  assert.equal(await picker.locator('input').getAttribute('max'), iso(todayInJapan()));
  await picker.locator('input').fill(iso(birthday));
  await picker.locator('button', { hasText: '決定' }).click();
  const confirm = latest('.oy-bubble', '登録しました');
  await confirm.waitFor();
  const text = await confirm.textContent();
  assert.match(text, /4か月児健診/, text);
  const [y, m, d] = iso(arrival).split('-').map(Number);
  assert.ok(text.includes(`${y}年${m}月${d}日`), `the confirmation dates the 4-month message: ${text}`);
  await shot('2-confirmed');
});

test('moving the clock to its day brings the 4-month message as a push', T, async () => {
  const pushes = () => page.locator('.row.bot:has(.via)').count();
  assert.equal(await pushes(), 0, 'nothing is pushed before its day');
  await page.fill('#clock-date', iso(arrival));
  await page.click('#clock button[type=submit]');
  const message = latest('.row.bot:has(.via)', 'もうすぐ生後4か月');
  await message.waitFor({ timeout: 60_000 });
  assert.match(await message.textContent(), /4か月児健診/);
  assert.match(await message.locator('.via').textContent(), /push/);
  assert.match(await page.textContent('#clock-now'), new RegExp(iso(arrival)));
  await shot('3-arrived');
  // Staying on that day, or tapping on, does not bring it twice.
  await page.fill('#input', 'メニュー');
  await page.click('#send');
  await latest('.oy-bubble', '妊娠・出産').waitFor();
  assert.equal(await page.locator('.row.bot:has(.via)', { hasText: 'もうすぐ生後4か月' }).count(), 1);
  assert.equal(await pushes(), 1);
  assert.deepEqual(page.errors, []);
});

test('the preview shows the timeline: from, at, label and each message', T, async () => {
  const preview = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  await preview.goto(`${dev.url}/preview/#timed`);
  const step = preview.locator('.timeline-step[data-step="kenshin/yonkagetsu-kenshin"]');
  await step.waitFor();
  assert.match(await step.locator('.timeline-when').textContent(), /もうすぐ生後4か月（生年月日から 3m3w）/);
  assert.match(await step.locator('.oy-bubble').textContent(), /4か月児健診/);
  const heads = await preview.locator('.timeline-head').allTextContents();
  assert.deepEqual(heads, ['出産予定日から数えて', '生年月日から数えて']);
  await preview.screenshot({ path: join(ARTIFACTS, 'timed-4-preview.png'), fullPage: true });
  await preview.close();
});
