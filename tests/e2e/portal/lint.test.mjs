// docs/api/openapi.yaml, the source of the portal's REST reference, passes
// the Redocly linter (recommended rules) with no error. No stack needed.
// SPDX-License-Identifier: GPL-2.0-or-later
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { LOGDIR, top } from './lib.mjs';

test('docs/api/openapi.yaml passes redocly lint with no errors', { timeout: 120000 }, async (t) => {
  const bin = path.join(top, 'node_modules/.bin/redocly');
  assert.ok(fs.existsSync(bin), `${bin} missing: run scripts/deps.sh (npm ci)`);
  const spec = path.join(top, 'docs/api/openapi.yaml');
  const { code, out } = await new Promise((resolve) => {
    execFile(bin, ['lint', '--format=stylish', spec], {
      cwd: top, timeout: 100000, env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    }, (err, stdout, stderr) => resolve({ code: err ? err.code : 0, out: `${stdout}\n${stderr}` }));
  });
  const log = path.join(LOGDIR, 'redocly-lint.log');
  fs.writeFileSync(log, out);
  // stylish: "docs/api/openapi.yaml:" then "  LINE:COL  error|warning  rule-id  message"
  const problems = (level) => out.split('\n').filter((l) => new RegExp(`^\\s*\\d+:\\d+\\s+${level}\\s`).test(l))
    .map((l) => `docs/api/openapi.yaml:${l.trim()}`);
  const errors = problems('error');
  const warnings = problems('warning');
  t.diagnostic(`redocly lint: exit ${code}, ${errors.length} errors, ${warnings.length} warnings (log: ${log})`);
  assert.equal(errors.length, 0, `redocly lint reports errors in docs/api/openapi.yaml:\n${errors.join('\n')}\n(log: ${log})`);
  assert.equal(code, 0, `redocly lint exited ${code} (log: ${log}): ${out.trim().split('\n').slice(-5).join(' | ')}`);
});
