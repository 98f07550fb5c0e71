// The newsroom in headless Chromium: the press office writes and submits a
// release, the head of administration approves it, and the public finds it
// in the archive and the Atom feed.
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

test('write, submit, approve and publish a release, then find it in archive and feed', async () => {
  const press = await browser.newContext();
  let page = await press.newPage();
  await signIn(page, server, 'presse@demo.example');
  await page.goto(`${server.url}/admin/stade/pressemitteilungen/neu`);
  await page.locator('[name="slug"]').fill('serviceportal');
  await page.locator('[name="title"]').fill('Neues Serviceportal des Landkreises Stade');
  await page.locator('[name="body"]').fill('Für zahlreiche Dienstleistungen entfällt der Gang ins **Kreishaus**.');
  await page.getByRole('button', { name: /Anlegen|Speichern/ }).click();
  assert.match(await page.getByRole('status').first().innerText(), /Angelegt/);
  await page.getByRole('button', { name: 'Zur Freigabe einreichen' }).click();
  assert.match(await page.getByRole('status').first().innerText(), /Zur Freigabe eingereicht/);
  // Four eyes: the author sees no approve button.
  assert.equal(await page.getByRole('button', { name: 'Freigeben' }).count(), 0);
  await press.close();

  const head = await browser.newContext();
  page = await head.newPage();
  await signIn(page, server, 'landrat@demo.example');
  await page.goto(`${server.url}/admin/stade/pressemitteilungen/serviceportal`);
  assert.match(await page.locator('#freigabe').innerText(), /Zur Freigabe eingereicht/);
  await page.getByRole('button', { name: 'Freigeben' }).click();
  assert.match(await page.getByRole('status').first().innerText(), /Freigegeben und nummeriert/);
  const number = (await page.locator('.workflow').innerText()).match(/Nr\. (\d+)\/(\d+)/);
  assert.ok(number, 'the approved release has a number');
  await head.close();

  const reader = await browser.newContext();
  page = await reader.newPage();
  await page.goto(`${server.url}/stade/presse`);
  await page.getByRole('link', { name: 'Neues Serviceportal des Landkreises Stade' }).click();
  assert.match(page.url(), /\/stade\/presse\/\d{4}\/\d+$/);
  assert.match(await page.locator('article').innerText(), /Pressemitteilung Nr\. \d+\/\d+/);
  assert.equal(await page.locator('article strong').innerText(), 'Kreishaus');
  const feed = await (await page.request.get(`${server.url}/stade/presse/feed.atom`)).text();
  assert.match(feed, /Neues Serviceportal des Landkreises Stade/);
  await reader.close();
});
