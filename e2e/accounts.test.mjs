// Accounts in headless Chromium: the administration invites a person, the
// invitation arrives at a local SMTP server, and the person chooses a
// password through its link and signs in; axe-core checks the pages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, startSmtp, launchBrowser, signIn, checkAccessibility as axe } from './browser.mjs';

let smtp;
let server;
let browser;

before(async () => {
  smtp = await startSmtp();
  server = await startServer(smtp.env);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await smtp?.stop();
});

test('an invited person chooses a password through the link in the mail and signs in', async () => {
  const admin = await browser.newContext({ bypassCSP: true });
  const page = await admin.newPage();
  await signIn(page, server, 'administration@demo.example');
  await page.goto(`${server.url}/admin/harz/`);
  await page.getByRole('link', { name: 'Konten' }).click();
  await axe(page, 'Konten');
  await page.getByRole('link', { name: 'Person einladen' }).click();
  await axe(page, 'Person einladen');

  // Three mistakes at once, each linked to its field.
  await page.getByRole('button', { name: 'Einladen' }).click();
  const summary = page.locator('.error-summary a');
  assert.equal(await summary.count(), 3, await page.content());
  for (const href of await summary.evaluateAll((as) => as.map((a) => a.getAttribute('href')))) {
    assert.equal(await page.locator(href).count(), 1, `${href} leads to its field`);
  }
  await summary.filter({ hasText: 'E-Mail-Adresse' }).click();
  assert.match(page.url(), /#f-email$/);

  await page.getByLabel('Name').fill('Wiebke Weber');
  await page.getByLabel('E-Mail-Adresse').fill('wiebke.weber@kreis-harz.example');
  await page.getByLabel('Internetredaktion').check();
  await page.getByRole('button', { name: 'Einladen' }).click();
  await page.getByText('Die Einladung ist an wiebke.weber@kreis-harz.example unterwegs.').waitFor();
  await axe(page, 'Konto');
  assert.match(await page.locator('main').innerText(), /eingeladen/);

  const mails = smtp.texts();
  assert.equal(mails.length, 1);
  assert.match(mails[0], /^wiebke\.weber@kreis-harz\.example|Wiebke Weber/);
  assert.match(mails[0], /Landkreis Harz/);
  const link = mails[0].match(/https?:\/\/\S+\/admin\/konto\/\S+/)[0];
  const path = new URL(link).pathname;

  // The person opens the link in their own browser.
  const invited = await browser.newContext({ bypassCSP: true });
  const own = await invited.newPage();
  await own.goto(server.url + path);
  await own.getByRole('heading', { name: 'Willkommen, Wiebke Weber' }).waitFor();
  await axe(own, 'Passwort wählen');
  await own.getByLabel('Passwort', { exact: true }).fill('kurz');
  await own.getByLabel('Passwort wiederholen').fill('kurz');
  await own.getByRole('button', { name: 'Passwort speichern' }).click();
  await own.getByText('muss mindestens').first().waitFor();
  await own.getByLabel('Passwort', { exact: true }).fill('Brocken im Nebel über Wernigerode');
  await own.getByLabel('Passwort wiederholen').fill('Brocken im Nebel über Wernigerode');
  await own.getByRole('button', { name: 'Passwort speichern' }).click();
  await own.waitForURL((u) => u.pathname === '/admin/anmelden');
  await own.getByLabel('E-Mail-Adresse').fill('wiebke.weber@kreis-harz.example');
  await own.getByLabel('Passwort').fill('Brocken im Nebel über Wernigerode');
  await own.getByRole('button', { name: 'Anmelden' }).click();
  await own.waitForURL((u) => u.pathname.startsWith('/admin/harz/'));
  assert.match(await own.locator('header').innerText(), /Wiebke Weber/);
  assert.equal(await own.getByRole('link', { name: 'Konten' }).count(), 0, 'no accounts for the web editor');

  // The link was for once.
  await own.goto(server.url + path);
  await own.getByRole('heading', { name: 'Dieser Link gilt nicht mehr' }).waitFor();

  // The administration sees the account as active now.
  await page.goto(`${server.url}/admin/harz/konten/`);
  const row = page.getByRole('row', { name: /Wiebke Weber/ });
  assert.match(await row.innerText(), /aktiv/);
  assert.match(await row.innerText(), /Internetredaktion/);
  await admin.close();
  await invited.close();
});

test('signed-out pages of accounts and the second factor have no serious accessibility violations', async () => {
  const context = await browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  await page.goto(`${server.url}/admin/passwort-vergessen`);
  await axe(page, 'Passwort vergessen');
  await page.getByLabel('E-Mail-Adresse').fill('niemand@demo.example');
  await page.getByRole('button', { name: 'Link senden' }).click();
  await page.getByText('Wenn zu dieser Adresse ein Konto besteht').waitFor();
  await signIn(page, server, 'lesen@demo.example');
  await page.goto(`${server.url}/admin/zweiter-faktor`);
  assert.equal(await page.locator('svg').count() > 0, true, 'a QR code');
  await axe(page, 'Zweiter Faktor');
  await context.close();
});
