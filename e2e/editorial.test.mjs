// Web editorial work in headless Chromium: the web editor changes a page,
// compares it with its earlier version and restores that; the freshness
// dashboard names what is stale and takes a check with a comment.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, signIn } from './browser.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('a page changed by mistake is compared with its earlier version and restored', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, server, 'internet@demo.example');
  await page.goto(`${server.url}/admin/goslar/seiten/internetauftritt`);
  const body = page.getByLabel('Text (Markdown)');
  const before = await body.inputValue();
  await body.fill('Versehentlich gelöscht.');
  await page.getByRole('button', { name: 'Speichern' }).click();
  assert.match(await page.getByRole('status').first().innerText(), /Gespeichert/);

  await page.getByRole('link', { name: 'Frühere Fassungen vergleichen und wiederherstellen' }).click();
  assert.match(await page.locator('h1').innerText(), /Fassungen: Der Internetauftritt des Landkreises/);
  await page.getByRole('button', { name: 'Vergleichen' }).click();
  const diff = page.locator('.diff');
  assert.match(await diff.locator('ins').innerText(), /Versehentlich gelöscht\./);
  assert.match(await diff.locator('del').first().innerText(), /zentrale Internetredaktion/);
  await page.getByRole('button', { name: 'Fassung 1 wiederherstellen' }).click();
  assert.match(await page.getByRole('status').innerText(), /Fassung 1 ist wiederhergestellt/);

  await page.goto(`${server.url}/goslar/seiten/internetauftritt`);
  const text = await page.locator('.prose').innerText();
  assert.ok(text.includes(before.split('\n')[0]), text);
  assert.ok(!text.includes('Versehentlich'), text);
  await context.close();
});

test('the freshness dashboard names the passed plan, and a check puts it to rest', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, server, 'internet@demo.example');
  await page.goto(`${server.url}/admin/nordhausen/`);
  await page.getByRole('link', { name: /Hinweis zur Aktualität/ }).click();
  const finding = page.locator('.finding', { hasText: 'geplant für 2023' });
  assert.match(await finding.innerText(), /seitdem ist nichts erfasst/);
  await finding.getByLabel('Kommentar zur Prüfung').fill('Unterzeichnung auf 2027 verschoben, Termin folgt');
  await finding.getByRole('button', { name: 'Als geprüft markieren' }).click();
  assert.match(await page.getByRole('status').innerText(), /Als geprüft vermerkt/);
  const checked = page.locator('section', { has: page.locator('#g-checked') });
  assert.match(await checked.innerText(), /geplant für 2023[\s\S]*Unterzeichnung auf 2027 verschoben/);
  assert.match(await page.locator('main').innerText(), /Keine offenen Hinweise/);
  await context.close();
});
