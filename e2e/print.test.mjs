// The print office in headless Chromium: the queue with its proof, a step
// on, and axe-core on the queue and a printable record's page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, signIn, checkAccessibility as check } from './browser.mjs';

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

test('the print office opens a proof and moves the order on', async () => {
  // axe-core is injected by the test, which the CSP rightly refuses.
  const context = await browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  await signIn(page, server, 'vordrucke@demo.example');
  await page.goto(`${server.url}/admin/spree-neisse/druckerei`);
  await check(page, 'Druckerei');
  const row = page.getByRole('row', { name: /Namensschilder für den Besuch aus Vorpommern-Rügen/ });
  assert.match(await row.innerText(), /Bestellt/);

  // The proof is a PDF with the district's badges (fetched in the session).
  const href = await row.getByRole('link', { name: /Korrekturabzug/ }).getAttribute('href');
  const proof = await context.request.get(server.url + href);
  assert.equal(proof.status(), 200);
  assert.equal(proof.headers()['content-type'], 'application/pdf');
  assert.ok((await proof.body()).subarray(0, 5).toString() === '%PDF-');

  await row.getByRole('button', { name: /Korrekturabzug freigeben/ }).click();
  await page.waitForURL(/\/druckerei$/);
  const checked = page.getByRole('row', { name: /Namensschilder für den Besuch aus Vorpommern-Rügen/ });
  assert.match(await checked.innerText(), /Korrekturabzug geprüft/);
  await checked.getByRole('button', { name: /Als gedruckt markieren/ }).click();
  await page.waitForURL(/\/druckerei$/);
  assert.match(await page.getByRole('heading', { name: /Aufträge/ }).innerText(), /1 offener/);
  await context.close();
});

test('a form links its PDF, and its page has no accessibility violations', async () => {
  // axe-core is injected by the test, which the CSP rightly refuses.
  const context = await browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  await signIn(page, server, 'vordrucke@demo.example');
  await page.goto(`${server.url}/admin/goslar/vordrucke/bestellung-visitenkarten`);
  await check(page, 'Vordruck');
  const link = page.getByRole('link', { name: 'Vordruck (PDF)' });
  const pdf = await context.request.get(server.url + (await link.getAttribute('href')));
  assert.equal(pdf.headers()['content-type'], 'application/pdf');
  await context.close();
});
