// Shared helpers of the browser tests: a real kreiskom server on the demo
// data in a temporary directory, and Debian's Chromium driven by
// playwright-core (no browser download).
import { spawn, spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const root = resolve(import.meta.dirname, '..');

/// `env` adds configuration (`KREISKOM_MEDIA__S3__BUCKET`, …).
export async function startServer(env = {}) {
  const binary = process.env.E2E_KREISKOM_BINARY ?? join(root, 'target/debug/kreiskom');
  const dir = mkdtempSync(join(tmpdir(), 'kreiskom-e2e-'));
  const child = spawn(binary, ['serve', '--demo', '--listen', '127.0.0.1:0'], {
    cwd: dir,
    env: { ...process.env, KREISKOM_API_TOKEN: 'e2e-token', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`server did not start:\n${output}`)), 30000);
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = output.match(/läuft auf (http:\/\/[^\s]+)/);
      if (match) { clearTimeout(timer); ok(match[1].replace(/\/$/, '')); }
    });
    child.stderr.on('data', (chunk) => { output += chunk; });
    child.on('exit', (code) => fail(new Error(`server exited with ${code}:\n${output}`)));
  });
  // `serve --demo` prints one login per role: "  Rolle  e-mail  password".
  const logins = Object.fromEntries(
    [...output.matchAll(/(\S+@demo\.example)\s+(\S+)/g)].map((m) => [m[1], m[2]]),
  );
  return {
    url,
    logins,
    dir,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((ok) => child.once('exit', ok));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

/// Signs in through the form, as a person does.
export async function signIn(page, server, email) {
  await page.goto(`${server.url}/admin/anmelden`);
  await page.getByLabel('E-Mail-Adresse').fill(email);
  await page.getByLabel('Passwort').fill(server.logins[email]);
  await page.getByRole('button', { name: 'Anmelden' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/admin/anmelden'));
}

/// moto's S3 server from the test venv, with one bucket; fails when the
/// venv is missing, as CI must not skip it.
export async function startS3() {
  const python = join(root, '.venv/bin/python');
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(python, ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try {
      const res = await fetch(`${endpoint}/kreiskom-media`, { method: 'PUT' });
      if (res.ok) break;
    } catch { /* not up yet */ }
    await new Promise((ok) => setTimeout(ok, 50));
    if (i === 199) throw new Error('moto.server did not start');
  }
  return {
    env: {
      KREISKOM_MEDIA__S3__BUCKET: 'kreiskom-media',
      KREISKOM_MEDIA__S3__ENDPOINT: endpoint,
      KREISKOM_MEDIA__S3__REGION: 'us-east-1',
      KREISKOM_MEDIA__S3__ACCESS_KEY_ID: 'test',
      KREISKOM_MEDIA__S3__SECRET_ACCESS_KEY: 'test',
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((ok) => child.once('exit', ok));
    },
  };
}

/// aiosmtpd from the test venv, keeping what arrives in a Maildir; `env`
/// points `serve` at it.
export async function startSmtp() {
  const python = join(root, '.venv/bin/python');
  const dir = mkdtempSync(join(tmpdir(), 'kreiskom-smtp-'));
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(python, ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${port}`,
    '-c', 'aiosmtpd.handlers.Mailbox', join(dir, 'mail')], { stdio: 'ignore' });
  for (let i = 0; ; i++) {
    const up = await new Promise((ok) => {
      const socket = connect(port, '127.0.0.1', () => { socket.end(); ok(true); });
      socket.on('error', () => ok(false));
    });
    if (up) break;
    if (i === 200) throw new Error('aiosmtpd did not start');
    await new Promise((ok) => setTimeout(ok, 50));
  }
  return {
    env: {
      KREISKOM_SMTP__HOST: '127.0.0.1',
      KREISKOM_SMTP__PORT: String(port),
      KREISKOM_SMTP__SECURITY: 'none',
      KREISKOM_SMTP__FROM: 'kreiskom@demo.example',
    },
    /// The plain-text bodies of the mails received so far, decoded as a
    /// mail program decodes them.
    texts() {
      const script = 'import sys, mailbox\n'
        + 'for m in mailbox.Maildir(sys.argv[1], create=False):\n'
        + '    import email, email.policy\n'
        + '    m = email.message_from_bytes(m.as_bytes(), policy=email.policy.default)\n'
        + '    print(m["To"]); print(m.get_body(("plain",)).get_content()); print("\\x1e")\n';
      const out = spawnSync(python, ['-c', script, join(dir, 'mail')], { encoding: 'utf8' });
      if (out.status !== 0) throw new Error(out.stderr);
      return out.stdout.split('\x1e').map((t) => t.trim()).filter(Boolean);
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((ok) => child.once('exit', ok));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/// axe-core on the page as it is: no serious or critical violation. The
/// page must be opened with `bypassCSP`, as the CSP rightly refuses the
/// injected script.
export async function checkAccessibility(page, label) {
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(async () => window.axe.run(document, { resultTypes: ['violations'] }));
  const bad = result.violations.filter((v) => ['serious', 'critical'].includes(v.impact));
  assert.deepEqual(
    bad.map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`),
    [],
    label,
  );
}
