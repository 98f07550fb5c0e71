// Shared helpers of the browser tests: a real kreiskom server on the demo
// data in a temporary directory, and Debian's Chromium driven by
// playwright-core (no browser download).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const root = resolve(import.meta.dirname, '..');

export async function startServer() {
  const binary = process.env.E2E_KREISKOM_BINARY ?? join(root, 'target/debug/kreiskom');
  const dir = mkdtempSync(join(tmpdir(), 'kreiskom-e2e-'));
  const child = spawn(binary, ['serve', '--demo', '--listen', '127.0.0.1:0'], {
    cwd: dir,
    env: { ...process.env, KREISKOM_API_TOKEN: 'e2e-token' },
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
