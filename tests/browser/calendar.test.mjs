// Replies that change with the day, seen as staff check them: the preview's date control and
// the `oyako dev` simulator's clock, on the sample content (ハニカム: open Monday–Friday,
// closed on holidays, わくわくタイム on Tuesdays and Thursdays).
//   OYAKO_BIN=target/debug/oyako node --test tests/browser/calendar.test.mjs
// Screenshots go to artifacts/browser/calendar-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ARTIFACTS, BIN, copySample, launchChromium, startDev } from './harness.mjs';

const T = { timeout: 180_000 };

let work, dev, browser, preview, sim;
const waitForLog = (text, ms = 120_000) => dev.waitForLog(text, ms);
const errors = [];

before(async () => {
  work = await copySample('oyako-calendar-');
  execFileSync(BIN, ['build', '--content', join(work, 'content'), '--out', join(work, 'built'), '--today', '2026-11-27'],
    { stdio: 'pipe' });
  dev = await startDev(work, ['--today', '2026-11-27']);
  browser = await launchChromium({ files: true });
  preview = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  preview.on('pageerror', (e) => errors.push(e.message));
  await preview.goto(pathToFileURL(join(work, 'built', 'preview', 'index.html')).href + '#cal%3Atoday');
  await waitForLog('シミュレーター: ');
  sim = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  sim.on('pageerror', (e) => errors.push(e.message));
  await sim.goto(`${dev.url}/`);
  await sim.waitForSelector('#status:not(:has-text("ビルド中"))');
});

after(async () => {
  await browser?.close();
  dev?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

/** Picks `day` in the preview's date control. */
async function previewDay(day) {
  await preview.fill('#day', day);
  await preview.dispatchEvent('#day', 'change');
}

test('the preview shows the account as it answers on the chosen day', T, async () => {
  await preview.locator('#day-control:not([hidden])').waitFor();
  assert.equal(await preview.inputValue('#day'), '2026-11-27');
  assert.ok(await preview.locator('#nav .nav-item[data-key="cal:today"]').count() === 1);
  // Tuesday 2026-12-01: open, わくわくタイム.
  await previewDay('2026-12-01');
  const bubble = preview.locator('#chat .oy-bubble').first();
  await preview.locator('#chat .oy-bubble', { hasText: 'わくわくタイム' }).waitFor();
  assert.match(await bubble.textContent(), /今日（火）の子育て支援センター/);
  assert.match(await bubble.textContent(), /開館 8:30〜17:15/);
  await preview.screenshot({ path: join(ARTIFACTS, 'calendar-preview-tuesday.png'), fullPage: true });
  // 成人の日 (Monday 2027-01-11): closed for the holiday.
  await previewDay('2027-01-11');
  await preview.locator('#chat .oy-bubble', { hasText: '休館日（祝日: 成人の日）' }).waitFor();
  assert.doesNotMatch(await preview.textContent('#chat'), /わくわくタイム/);
  // The events menu on the day after the Christmas party no longer lists it.
  await preview.click('#nav .nav-item[data-key="menu:events"]');
  await previewDay('2026-12-19');
  await preview.locator('#chat .oy-bubble', { hasText: 'クリスマス会' }).first().waitFor();
  await previewDay('2026-12-20');
  await preview.locator('#chat .oy-bubble', { hasText: '節分あそび' }).first().waitFor();
  assert.doesNotMatch(await preview.textContent('#chat'), /クリスマス会/);
  assert.deepEqual(errors, []);
});

test('the simulator answers 「今日」 for the day its clock is moved to', T, async () => {
  const say = async (text, expect) => {
    const before = await sim.locator('.row.bot').count();
    await sim.fill('#input', text);
    await sim.press('#input', 'Enter');
    await sim.waitForFunction((n) => document.querySelectorAll('.row.bot').length > n, before);
    const reply = sim.locator('.row.bot').last();
    await reply.locator('.oy-bubble', { hasText: expect }).waitFor().catch(async (e) => {
      console.log(`expected 「${expect}」 in the reply:`, await reply.textContent());
      throw e;
    });
    return sim.locator('.row.bot').last().textContent();
  };
  await sim.fill('#clock-date', '2026-12-03');
  await sim.click('#clock button[type=submit]');
  await sim.waitForSelector('#clock-now.moved');
  const thursday = await say('今日', 'わくわくタイム');
  assert.match(thursday, /今日（木）/);
  await sim.fill('#clock-date', '2026-12-31');
  await sim.click('#clock button[type=submit]');
  await sim.locator('#clock-now', { hasText: '2026-12-31T' }).waitFor();
  const closed = await say('今日', '休館日（年末年始（要確認））');
  assert.doesNotMatch(closed, /わくわくタイム/);
  await sim.screenshot({ path: join(ARTIFACTS, 'calendar-sim-closed.png'), fullPage: true });
  await sim.click('#clock-reset');
  await sim.waitForSelector('#clock-now:not(.moved)');
  assert.deepEqual(errors, []);
});
