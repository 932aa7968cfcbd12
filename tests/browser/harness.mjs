// What the browser tests share: where the repository, the binary and Debian's Chromium are,
// and `oyako dev` started on a copy of the sample content.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import { chromium } from 'playwright-core';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = resolve(ROOT, process.env.OYAKO_BIN || 'target/debug/oyako');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const ARTIFACTS = join(ROOT, 'artifacts', 'browser');

/** A loopback port nobody listens on. */
export function freePort() {
  return new Promise((ok) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

/** Debian's Chromium, headless; `files`: the page may load `file://` scripts (the preview). */
export async function launchChromium({ files = false } = {}) {
  assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}: apt-get install -y chromium fonts-noto-cjk`);
  await mkdir(ARTIFACTS, { recursive: true });
  const args = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'];
  if (files) args.push('--allow-file-access-from-files');
  return chromium.launch({ executablePath: CHROMIUM, args });
}

/** A scratch directory (`prefix…`) holding a copy of the sample content in `content/`. */
export async function copySample(prefix) {
  assert.ok(existsSync(BIN), `build the binary first (cargo build --bin oyako): ${BIN}`);
  const work = await mkdtemp(join(tmpdir(), prefix));
  await cp(join(ROOT, 'content'), join(work, 'content'), { recursive: true });
  return work;
}

/** `oyako dev` on `work/content` (more arguments in `args`), its output kept for `waitForLog`. */
export async function startDev(work, args = []) {
  const port = await freePort();
  const proc = spawn(BIN, ['dev', '--port', String(port), '--content', join(work, 'content'), '--out', join(work, 'dist'), ...args],
    { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stdout.on('data', (d) => { log += d; });
  proc.stderr.on('data', (d) => { log += d; });
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    log: () => log,
    /** Resolves when the output contains `text`; fails with the whole output after `ms`. */
    waitForLog(text, ms = 60_000) {
      return new Promise((ok, fail) => {
        const started = Date.now();
        const check = () => {
          if (log.includes(text)) return ok();
          if (Date.now() - started > ms) return fail(new Error(`timed out waiting for "${text}" in:\n${log}`));
          setTimeout(check, 50);
        };
        check();
      });
    },
    stop: () => proc.kill('SIGINT'),
  };
}
