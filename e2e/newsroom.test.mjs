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

test('the approver finds the waiting release on the dashboard, returns it with a comment, then approves it from the preview', async () => {
  const press = await browser.newContext();
  let page = await press.newPage();
  await signIn(page, server, 'presse@demo.example');
  // No slug typed: it is made from the title.
  await page.goto(`${server.url}/admin/goslar/pressemitteilungen/neu`);
  await page.locator('[name="title"]').fill('Kreistag tagt im Kreishaus');
  await page.locator('[name="body"]').fill('Die nächste Sitzung ist öffentlich.');
  await page.getByRole('button', { name: 'Anlegen' }).click();
  assert.match(page.url(), /\/pressemitteilungen\/kreistag-tagt-im-kreishaus\?angelegt=1$/);
  await page.getByRole('button', { name: 'Zur Freigabe einreichen' }).click();
  await press.close();

  const head = await browser.newContext();
  page = await head.newPage();
  await signIn(page, server, 'landrat@demo.example');
  await page.goto(`${server.url}/admin/goslar/`);
  const waiting = page.locator('section[aria-labelledby="freigaben"]');
  assert.match(await waiting.innerText(), /Kreistag tagt im Kreishaus[\s\S]*eingereicht von Demo Pressestelle am \d\d\.\d\d\.\d{4}/);
  await waiting.getByRole('link', { name: 'Kreistag tagt im Kreishaus' }).click();
  await page.getByRole('link', { name: /Vorschau/ }).click();
  // The public page's rendering, with the steps on top.
  assert.match(await page.locator('article h1').innerText(), /Kreistag tagt im Kreishaus/);
  assert.match(await page.locator('.preview-bar').innerText(), /Noch ist sie nirgends öffentlich/);
  await page.locator('#kommentar-vorschau').fill('Bitte Uhrzeit und Raum ergänzen.');
  await page.getByRole('button', { name: 'Zurück in den Entwurf' }).click();
  assert.match(await page.getByRole('status').first().innerText(), /In den Entwurf zurückgegeben/);
  await head.close();

  const again = await browser.newContext();
  page = await again.newPage();
  await signIn(page, server, 'presse@demo.example');
  await page.goto(`${server.url}/admin/goslar/`);
  const mine = page.locator('section[aria-labelledby="mitteilungen"]');
  assert.match(await mine.innerText(), /zurückgegeben von Demo Landrat[\s\S]*Bitte Uhrzeit und Raum ergänzen\./);
  await mine.getByRole('link', { name: 'Kreistag tagt im Kreishaus' }).click();
  await page.getByRole('button', { name: 'Zur Freigabe einreichen' }).click();
  await again.close();

  const head2 = await browser.newContext();
  page = await head2.newPage();
  await signIn(page, server, 'landrat@demo.example');
  await page.goto(`${server.url}/admin/goslar/pressemitteilungen/kreistag-tagt-im-kreishaus/vorschau`);
  await page.getByRole('button', { name: 'Freigeben' }).click();
  assert.match(await page.getByRole('status').first().innerText(), /Freigegeben und nummeriert/);
  assert.match(await page.locator('.workflow').innerText(), /Freigegeben von Demo Landrat am/);
  await page.goto(`${server.url}/admin/goslar/`);
  assert.doesNotMatch(await page.locator('section[aria-labelledby="freigaben"]').innerText(), /Kreistag tagt/);
  await head2.close();
});

test('a form with three errors shows three messages at once, each linked to its field, and keeps the input', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, server, 'presse@demo.example');
  await page.goto(`${server.url}/admin/stade/pressemitteilungen/neu`);
  await page.locator('[name="subtitle"]').fill('Untertitel bleibt stehen');
  await page.locator('[name="images.0.src"]').fill('https://fremd.example/bild.jpg');
  await page.locator('[name="images.0.alt"]').fill('Das Kreishaus');
  await page.getByRole('button', { name: 'Anlegen' }).click();
  const summary = page.locator('.error-summary');
  assert.match(await summary.locator('h2').innerText(), /3 Angaben müssen korrigiert werden/);
  const links = summary.locator('a');
  assert.equal(await links.count(), 3);
  const texts = await links.allInnerTexts();
  assert.ok(texts.some((t) => /^Titel: /.test(t)), texts.join(' | '));
  assert.ok(texts.some((t) => /^Text \(Markdown\): /.test(t)), texts.join(' | '));
  assert.ok(texts.some((t) => /^Bilder 1 › Bildadresse \(URL\): /.test(t)), texts.join(' | '));
  for (const href of await links.evaluateAll((as) => as.map((a) => a.getAttribute('href')))) {
    assert.equal(await page.locator(href).count(), 1, `${href} leads to its field`);
  }
  await links.filter({ hasText: 'Titel' }).click();
  assert.match(page.url(), /#f-title$/);
  assert.equal(await page.locator('[name="subtitle"]').inputValue(), 'Untertitel bleibt stehen');
  assert.equal(await page.locator('[name="images.0.src"]').inputValue(), 'https://fremd.example/bild.jpg');
  await context.close();
});
