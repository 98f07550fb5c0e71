// Social posts in headless Chromium: the press office connects a Mastodon
// channel (a local server that answers as Mastodon does), writes a post in
// the form, is told what stands in the way of scheduling it, and sees it
// published with its link; axe-core on the pages on the way.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { startServer, launchBrowser, signIn, checkAccessibility as check } from './browser.mjs';

const TOKEN = 'e2e-mastodon-zugang';
let server;
let browser;
let mastodon;
const posted = [];

/// Just enough of Mastodon's API: the instance's limits and posting.
function startMastodon() {
  return new Promise((ok) => {
    const http = createServer((req, res) => {
      const reply = (status, body) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.method === 'GET' && req.url === '/api/v2/instance') {
        return reply(200, { domain: 'social.example', configuration: { statuses: { max_characters: 500, max_media_attachments: 4, characters_reserved_per_url: 23 } } });
      }
      if (req.headers.authorization !== `Bearer ${TOKEN}`) {
        return reply(401, { error: 'The access token is invalid' });
      }
      if (req.method === 'POST' && req.url === '/api/v1/statuses') {
        let body = '';
        req.on('data', (c) => { body += c; });
        req.on('end', () => {
          const status = JSON.parse(body);
          posted.push({ key: req.headers['idempotency-key'], status });
          const id = String(110000 + posted.length);
          reply(200, { id, url: `https://social.example/@landkreisstade/${id}`, created_at: new Date().toISOString(), content: `<p>${status.status}</p>` });
        });
        return undefined;
      }
      return reply(404, { error: 'Record not found' });
    });
    http.listen(0, '127.0.0.1', () => ok({ url: `http://127.0.0.1:${http.address().port}`, close: () => http.close() }));
  });
}

/// Now on a wall clock in Germany, as a datetime-local field takes it.
function berlinNow() {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(new Date()).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

before(async () => {
  mastodon = await startMastodon();
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  mastodon?.close();
});

test('a post is checked, scheduled and published on a Mastodon channel', async () => {
  // axe-core is injected by the test, which the CSP rightly refuses.
  const context = await browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  await signIn(page, server, 'presse@demo.example');

  // A Mastodon channel on the district's own server.
  await page.goto(`${server.url}/admin/stade/kanaele/neu`);
  await page.getByLabel('Kennung').fill('mastodon');
  await page.getByLabel('Plattform', { exact: true }).selectOption({ label: 'Mastodon' });
  await page.getByLabel('Name auf der Plattform').fill('@landkreisstade');
  await page.getByLabel(/^Server/).fill(mastodon.url);
  await page.getByRole('button', { name: 'Anlegen' }).click();
  await page.waitForURL(/\/kanaele\/mastodon/);
  await check(page, 'Kanal');

  // A post for it and for Facebook, where kreiskom cannot publish yet.
  await page.goto(`${server.url}/admin/stade/beitraege/neu`);
  await page.getByLabel('Nachricht', { exact: true }).first().fill('Der Landkreis Stade ist jetzt im Fediverse. Willkommen!');
  await page.getByLabel('Kanal', { exact: true }).selectOption({ label: 'Mastodon @landkreisstade' });
  await page.getByLabel('Gezeichnet von').selectOption({ label: 'Kai Seefried' });
  await page.getByRole('button', { name: 'Anlegen' }).click();
  await page.waitForURL(/\/beitraege\/der-landkreis-stade-ist-jetzt-im-fediverse/);
  assert.match(await page.getByRole('heading', { level: 2, name: /Stand/ }).innerText(), /Entwurf, nicht geplant/);
  await check(page, 'Beitrag');

  // Without the channel's access it cannot be scheduled, and says so.
  await page.getByLabel('Veröffentlichen am').fill(berlinNow());
  await page.getByRole('button', { name: 'Prüfen und planen' }).click();
  const refusal = page.getByRole('alert');
  assert.match(await refusal.innerText(), /Mastodon @landkreisstade: Es ist kein Zugang hinterlegt\./);
  const postPage = page.url();

  // The access, once; the page never shows it again.
  await page.goto(`${server.url}/admin/stade/kanaele/mastodon`);
  await page.getByLabel(/Zugangsschlüssel/).fill(TOKEN);
  await page.getByRole('button', { name: 'Zugang speichern' }).click();
  await page.waitForURL(/zugang=1/);
  assert.match(await page.getByRole('status').innerText(), /verschlüsselt gespeichert/);
  assert.ok(!(await page.content()).includes(TOKEN), 'the token is not on the page');

  // Now it is scheduled for this minute and goes out through the outbox.
  await page.goto(postPage.replace(/\/planen$/, ''));
  await page.getByLabel('Veröffentlichen am').fill(berlinNow());
  await page.getByRole('button', { name: 'Prüfen und planen' }).click();
  await page.waitForURL(/geplant=1/);
  for (let i = 0; i < 60 && posted.length === 0; i += 1) {
    await new Promise((ok) => setTimeout(ok, 250));
  }
  assert.equal(posted.length, 1, 'one post on the server');
  assert.equal(posted[0].status.status, 'Der Landkreis Stade ist jetzt im Fediverse. Willkommen!\n\n– Kai Seefried');
  assert.equal(posted[0].status.language, 'de');
  assert.ok(posted[0].key, 'sent with an Idempotency-Key');
  await page.reload();
  for (let i = 0; i < 20 && !(await page.getByRole('heading', { level: 2, name: /Stand/ }).innerText()).includes('Veröffentlicht'); i += 1) {
    await new Promise((ok) => setTimeout(ok, 250));
    await page.reload();
  }
  assert.match(await page.getByRole('heading', { level: 2, name: /Stand/ }).innerText(), /Veröffentlicht/);
  const link = page.getByRole('link', { name: 'veröffentlicht' });
  assert.match(await link.getAttribute('href'), /^https:\/\/social\.example\/@landkreisstade\/110001$/);
  await check(page, 'Beitrag veröffentlicht');

  await page.goto(`${server.url}/admin/stade/beitraege/kalender`);
  await check(page, 'Kalender');
  assert.match(await page.getByRole('main').innerText(), /Der Landkreis Stade ist jetzt im Fediverse/);
  await context.close();
});
