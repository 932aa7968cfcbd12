// The preview loads section by section (issue 16): data.js holds the navigation and the top
// menu, each section's replies are in replies/<n>.js, fetched as a script the first time one
// of them is shown. Opened from file:// as a reviewer opens a CI artifact.
//   OYAKO_BIN=target/debug/oyako node --test tests/browser/preview_parts.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BIN, copySample, launchChromium } from './harness.mjs';

const T = { timeout: 120_000 };

let work, browser, page, preview;
const errors = [];
const loaded = [];

before(async () => {
  work = await copySample('oyako-preview-parts-');
  execFileSync(BIN, ['build', '--content', join(work, 'content'), '--out', join(work, 'dist'), '--today', '2026-11-27'],
    { stdio: 'pipe' });
  preview = join(work, 'dist', 'preview');
  browser = await launchChromium({ files: true });
  page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => {
    const m = r.url().match(/\/replies\/(\d+)\.js$/);
    if (m) loaded.push(Number(m[1]));
  });
});

after(async () => {
  await browser?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

test('every section has its own file; data.js keeps none of their replies', T, async () => {
  const parts = await readdir(join(preview, 'replies'));
  assert.ok(parts.length >= 5, `parts: ${parts}`);
  assert.ok(parts.every((p) => /^\d+\.js$/.test(p)), `${parts}`);
  const entry = '"page:teate/kami-omutsu":[';
  const data = await readFile(join(preview, 'data.js'), 'utf8');
  assert.ok(data.includes('"page:teate/kami-omutsu":'), 'data.js says which part has the page');
  assert.ok(!data.includes(entry), 'the page reply is not in data.js');
  const holding = [];
  for (const p of parts) {
    if ((await readFile(join(preview, 'replies', p), 'utf8')).includes(entry)) holding.push(p);
  }
  assert.equal(holding.length, 1, `parts with the page: ${holding}`);
});

test('the welcome and the top menu need no part; a page loads its section once', T, async () => {
  await page.goto(pathToFileURL(join(preview, 'index.html')).href);
  await page.locator('#chat .oy-bubble', { hasText: '旭市 子育て応援LINE' }).first().waitFor();
  await page.click('#nav .nav-item[data-key="menu:"]');
  await page.locator('#current', { hasText: 'menu:' }).waitFor();
  await page.locator('#chat .oy-bubble').first().waitFor();
  assert.deepEqual(loaded, []);

  await page.click('#nav .nav-item[data-key="page:teate/kami-omutsu"]');
  await page.locator('#chat .oy-bubble', { hasText: '乳幼児紙おむつの支給' }).first().waitFor();
  assert.equal(loaded.length, 1);
  // The section's menu is in the same part: nothing more is loaded.
  await page.locator('#chat .oy-button-face', { hasText: '「手当・助成」のメニューへ' }).click();
  await page.locator('#current', { hasText: 'menu:teate' }).waitFor();
  await page.locator('#chat .oy-bubble').first().waitFor();
  assert.equal(loaded.length, 1);
  // Another section: one more part.
  await page.click('#nav .nav-item[data-key="menu:ninshin"]');
  await page.locator('#current', { hasText: 'menu:ninshin' }).waitFor();
  await page.locator('#chat .oy-bubble').first().waitFor();
  assert.equal(loaded.length, 2);
  assert.notEqual(loaded[0], loaded[1]);
  assert.deepEqual(errors, []);
});

test('a link straight to a page in a section opens it', T, async () => {
  const fresh = await browser.newPage();
  fresh.on('pageerror', (e) => errors.push(e.message));
  await fresh.goto(pathToFileURL(join(preview, 'index.html')).href + '#' + encodeURIComponent('page:teate/kami-omutsu'));
  await fresh.locator('#chat .oy-bubble', { hasText: '乳幼児紙おむつの支給' }).first().waitFor();
  await fresh.close();
  assert.deepEqual(errors, []);
});

test('a key that no reply has says so', T, async () => {
  await page.goto(pathToFileURL(join(preview, 'index.html')).href + '#' + encodeURIComponent('page:nai/nai'));
  await page.locator('#chat .preview-note', { hasText: 'この返信はありません' }).waitFor();
  assert.deepEqual(errors, []);
});
