// The static copy of the demo (`kreiskom publish`) served by a plain file
// server, as any web host would: pages look as on the live site (their
// stylesheets and fonts came along) and axe-core finds no serious or
// critical violation on a sample of them; the search works without a
// server, from the copy's own index.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { launchBrowser } from './browser.mjs';

const root = resolve(import.meta.dirname, '..');
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const types = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.woff2': 'font/woff2',
  '.js': 'text/javascript', '.json': 'application/json',
  '.png': 'image/png', '.jpg': 'image/jpeg', '.webp': 'image/webp', '.svg': 'image/svg+xml',
};
let dir;
let server;
let base;
let browser;

before(async () => {
  const binary = process.env.E2E_KREISKOM_BINARY ?? join(root, 'target/debug/kreiskom');
  dir = mkdtempSync(join(tmpdir(), 'kreiskom-static-'));
  const env = { ...process.env, KREISKOM_DATABASE_URL: `sqlite://${dir}/kreiskom.db?mode=rwc` };
  execFileSync(binary, ['import', join(root, 'demo/demo.json')], { cwd: dir, env, stdio: 'ignore' });
  execFileSync(binary, ['publish', '--out', 'kopie', '--url', 'http://127.0.0.1'], { cwd: dir, env, stdio: 'ignore' });
  const copy = join(dir, 'kopie');
  // A file server and nothing else: a directory's index.html, no rewriting.
  server = createServer((req, res) => {
    let path = join(copy, decodeURIComponent(new URL(req.url, 'http://x').pathname));
    try {
      if (statSync(path).isDirectory()) path = join(path, 'index.html');
      const body = readFileSync(path);
      res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end('nicht gefunden');
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${server.address().port}`;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

for (const path of ['/', '/harz/', '/harz/partnerschaften/harz-belfort/', '/stade/seiten/soziale-medien/', '/spree-neisse/presse/2014/150/']) {
  test(`the static copy of ${path} looks as the live page and passes axe-core`, async () => {
    const page = await browser.newPage();
    const failed = [];
    page.on('response', (r) => { if (r.status() >= 400) failed.push(r.url()); });
    await page.goto(base + path);
    assert.deepEqual(failed, [], 'every file the page asks for is in the copy');
    const font = await page.evaluate(() => getComputedStyle(document.body).fontFamily);
    assert.match(font, /Fira Sans/);
    await page.addScriptTag({ content: axeSource });
    const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
    const bad = result.violations.filter((v) => ['serious', 'critical'].includes(v.impact));
    assert.deepEqual(bad.map((v) => v.id), [], path);
    await page.close();
  });
}

test('the static copy searches its own index in the browser', async () => {
  const page = await browser.newPage();
  // As a visitor would: the field in the header of any page.
  await page.goto(`${base}/harz/`);
  await page.fill('#kopf-suche', 'Iasi');
  await page.press('#kopf-suche', 'Enter');
  await page.waitForSelector('#suchergebnisse[data-state="statisch"]');
  assert.equal(new URL(page.url()).searchParams.get('q'), 'Iasi');
  const titles = await page.$$eval('.search-hit h2 a', (links) => links.map((a) => a.textContent));
  assert.ok(titles.includes('Kreis Iași'), titles.join(' | '));
  assert.equal(await page.inputValue('#q'), 'Iasi', 'the form shows what was asked');
  // Inflected words find their stem; a kind narrows the hits.
  await page.goto(`${base}/goslar/suche/?q=Partnerschaften&art=partnerschaften`);
  await page.waitForSelector('#suchergebnisse[data-state="statisch"]');
  const kinds = await page.$$eval('.search-hit__meta', (m) => m.map((e) => e.textContent));
  assert.ok(kinds.length > 0 && kinds.every((k) => k.startsWith('Partnerschaft')), kinds.join(' | '));
  await page.goto(`${base}/goslar/suche/?q=Quarkspeise`);
  await page.waitForSelector('#suchergebnisse[data-state="statisch"]');
  assert.match(await page.textContent('#suchergebnisse'), /0 Treffer für „Quarkspeise“/);
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  assert.deepEqual(result.violations.filter((v) => ['serious', 'critical'].includes(v.impact)).map((v) => v.id), []);
  await page.close();
});
