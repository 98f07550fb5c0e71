// The admin workspace in headless Chromium: a partnership coordinator adds
// a timeline event and finds it on the public page; a read-only account
// finds no way to change anything; axe-core checks the admin pages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, signIn, checkAccessibility as check } from './browser.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  assert.equal(Object.keys(server.logins).length, 7, 'one demo login per role');
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('the partnership coordinator adds a timeline event that the public page shows', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, server, 'partnerschaften@demo.example');
  // Seven districts: the chooser comes first.
  await page.getByRole('link', { name: 'Landkreis Harz' }).click();
  await page.getByRole('navigation', { name: 'Verwaltung' }).getByRole('link', { name: 'Partnerschaften' }).click();
  await page.getByLabel('Suche nach Name').fill('Bistri');
  await page.getByRole('button', { name: 'Filtern' }).click();
  await page.getByRole('link', { name: /Bistrița-Năsăud/ }).click();
  assert.match(await page.locator('h1').innerText(), /Partnerschaft: Landkreis Harz – Kreis Bistrița-Năsăud/);

  const blank = page.getByRole('group', { name: 'Chronik: neuer Eintrag' });
  await blank.getByLabel('Datum').fill('20.11.2026');
  await blank.getByLabel('Art').selectOption({ label: 'Kreistagsbeschluss' });
  await blank.getByLabel('Anmerkung').fill('Kreistag beschließt gemeinsames Jugendcamp');
  await page.getByRole('button', { name: 'Speichern' }).click();
  assert.match(await page.getByRole('status').first().innerText(), /Gespeichert/);
  assert.match(await page.locator('#verlauf + *').innerText(), /Demo Partnerschaften/);
  // German date input round-trips: typed as 20.11.2026, shown back so.
  const saved = page.getByRole('group', { name: /^Chronik \d+$/ }).filter({ has: page.locator('input[value="20.11.2026"]') });
  assert.equal(await saved.count(), 1);

  await page.getByRole('link', { name: 'Öffentliche Seite ansehen' }).click();
  const timeline = await page.locator('ol.timeline').innerText();
  assert.match(timeline, /20\. November 2026/);
  assert.match(timeline, /Kreistag beschließt gemeinsames Jugendcamp/);
  await context.close();
});

test('links to other records are picked from a list by their names', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, server, 'partnerschaften@demo.example');
  await page.goto(`${server.url}/admin/goslar/aktivitaeten/neu`);
  await page.getByLabel('Titel').fill('Jugendbegegnung in Trzebnica');
  await page.getByLabel('Art', { exact: true }).selectOption({ label: 'Jugendbegegnung' });
  const region = page.getByLabel('Gebietskörperschaften: neuer Eintrag');
  assert.equal(await region.evaluate((e) => e.tagName), 'SELECT');
  await region.selectOption({ label: 'Landkreis Trebnitz' });
  await page.getByLabel('Landkreis Goslar – Landkreis Trebnitz').check();
  await page.getByRole('button', { name: 'Anlegen' }).click();
  await page.waitForURL((u) => u.pathname.endsWith('/jugendbegegnung-in-trzebnica'));
  const api = await (await page.request.get(`${server.url}/api/v1/tenants/goslar/activities/jugendbegegnung-in-trzebnica`)).json();
  assert.deepEqual(api.regions, ['powiat-trzebnicki']);
  assert.deepEqual(api.partnerships, ['goslar-trebnitz']);
  // Shown back by name.
  const picked = page.getByLabel('Gebietskörperschaften 1');
  assert.equal(await picked.locator('option:checked').innerText(), 'Landkreis Trebnitz');
  assert.equal(await page.getByLabel('Landkreis Goslar – Landkreis Trebnitz').isChecked(), true);
  await context.close();
});

test('with very many records, a picker suggests them from the server while typing', async () => {
  // 1,000 more municipalities than a select should hold.
  const post = (i) => fetch(`${server.url}/api/v1/regions`, {
    method: 'POST',
    headers: { authorization: 'Bearer e2e-token', 'content-type': 'application/json' },
    body: JSON.stringify({ slug: `gemeinde-${i}`, kind: 'municipality', country: 'PL', names: [{ lang: 'pl', name: `Gmina Nr. ${i}` }] }),
  }).then((r) => assert.equal(r.status, 201));
  for (let i = 0; i < 1000; i += 50) await Promise.all(Array.from({ length: 50 }, (_, k) => post(i + k)));
  const context = await browser.newContext();
  const page = await context.newPage();
  const failures = [];
  page.on('console', (m) => { if (m.type() === 'error') failures.push(m.text()); });
  page.on('response', (r) => { if (r.status() >= 400) failures.push(r.url()); });
  await signIn(page, server, 'partnerschaften@demo.example');
  await page.goto(`${server.url}/admin/goslar/aktivitaeten/neu`);
  const region = page.getByLabel('Gebietskörperschaften: neuer Eintrag');
  assert.equal(await region.getAttribute('list'), 'liste-gebiete');
  const list = page.locator('#liste-gebiete option');
  assert.ok(await list.count() > 1000, 'every record along at first');
  await region.pressSequentially('trebn', { delay: 30 });
  await page.waitForFunction(() => document.querySelectorAll('#liste-gebiete option').length < 50);
  const offered = await list.evaluateAll((os) => os.map((o) => [o.value, o.textContent]));
  assert.ok(offered.some(([v, t]) => v === 'powiat-trzebnicki' && t === 'Landkreis Trebnitz'), JSON.stringify(offered));
  assert.ok(offered.every(([, t]) => /Trebnitz|Trzebni/.test(t)), JSON.stringify(offered));
  await region.fill('powiat-trzebnicki');
  await page.getByLabel('Titel').fill('Besuch in Trzebnica');
  await page.getByLabel('Art', { exact: true }).selectOption({ label: 'Jugendbegegnung' });
  await page.getByRole('button', { name: 'Anlegen' }).click();
  await page.waitForURL((u) => u.pathname.endsWith('/besuch-in-trzebnica'));
  const api = await (await page.request.get(`${server.url}/api/v1/tenants/goslar/activities/besuch-in-trzebnica`)).json();
  assert.deepEqual(api.regions, ['powiat-trzebnicki']);
  assert.deepEqual(failures, [], 'htmx runs under the CSP without complaint');
  await context.close();
});

test('dates are typed the German way, in the precision of the source', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, server, 'partnerschaften@demo.example');
  await page.goto(`${server.url}/admin/goslar/partnerschaften/goslar-trebnitz`);
  const blank = page.getByRole('group', { name: 'Chronik: neuer Eintrag' });
  await blank.getByLabel('Datum').fill('Anfang der 1960er Jahre');
  await blank.getByLabel('Art').selectOption({ label: 'Erste Kontakte' });
  await page.getByRole('button', { name: 'Speichern' }).click();
  assert.match(await page.getByRole('status').first().innerText(), /Gespeichert/);
  await page.waitForLoadState('load');
  assert.equal(await page.locator('input[value="Anfang der 1960er Jahre"]').count(), 1);
  const api = await (await page.request.get(`${server.url}/api/v1/partnerships/goslar-trebnitz`)).json();
  assert.ok(api.timeline.some((e) => e.date === 'early 1960s'), JSON.stringify(api.timeline));
  await context.close();
});

test('a bad date is refused with the message at the field, and the input stays', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, server, 'partnerschaften@demo.example');
  await page.goto(`${server.url}/admin/goslar/partnerschaften/goslar-trebnitz`);
  const blank = page.getByRole('group', { name: 'Chronik: neuer Eintrag' });
  await blank.getByLabel('Datum').fill('3.7.14');
  await blank.getByLabel('Art').selectOption({ label: 'Kreistagsbeschluss' });
  await page.getByRole('button', { name: 'Speichern' }).click();
  const field = page.locator('.kern-form-input--error');
  assert.match(await field.innerText(), /Ungültiges Datum „3\.7\.14“/);
  assert.equal(await field.locator('input').inputValue(), '3.7.14');
  await context.close();
});

test('a read-only account finds no way to change anything', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, server, 'lesen@demo.example');
  for (const path of [
    '/admin/goslar/', '/admin/goslar/partnerschaften/', '/admin/goslar/partnerschaften/goslar-trebnitz',
    '/admin/goslar/organisationen/', '/admin/goslar/hinweise', '/admin/goslar/mandant/goslar',
  ]) {
    await page.goto(server.url + path);
    // The only form that posts is signing out.
    const posting = await page.locator('form[method="post"]').evaluateAll(
      (forms) => forms.map((f) => f.getAttribute('action')),
    );
    assert.deepEqual(posting, ['/admin/abmelden'], path);
    assert.equal(await page.getByRole('link', { name: /Neu anlegen|Löschen/ }).count(), 0, path);
    assert.equal(await page.getByRole('button', { name: /Speichern|geklärt/ }).count(), 0, path);
  }
  // Going around the page, with the session and its CSRF token, does not
  // help either.
  const csrf = await page.locator('input[name="csrf"]').first().inputValue();
  const r = await context.request.post(`${server.url}/admin/goslar/partnerschaften/goslar-trebnitz`, {
    form: { csrf, version: '1', category: 'friendship' },
  });
  assert.equal(r.status(), 403);
  await context.close();
});

test('admin pages have no serious or critical accessibility violations', async () => {
  // axe-core is injected by the test, which the CSP rightly refuses.
  const context = await browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  await page.goto(`${server.url}/admin/anmelden`);
  const pages = [['/admin/anmelden', page.url()]];
  await signIn(page, server, 'administration@demo.example');
  for (const path of [
    '/admin/harz/', '/admin/harz/partnerschaften/', '/admin/harz/partnerschaften/harz-iasi',
    '/admin/harz/gebiete/neu', '/admin/harz/hinweise', '/admin/harz/protokoll', '/admin/passwort',
    '/admin/harz/aktualitaet', '/admin/stade/seiten/soziale-medien', '/admin/stade/seiten/soziale-medien/fassungen',
    '/admin/goslar/', '/admin/goslar/pressemitteilungen/', '/admin/goslar/pressemitteilungen/hilfskonvoi-trebnitz',
    '/admin/goslar/pressemitteilungen/hilfskonvoi-trebnitz/vorschau', '/admin/goslar/presseanfragen/',
    '/admin/goslar/pressemitteilungen/neu', '/admin/goslar/medienkontakte/erika-beispiel',
    '/admin/goslar/aktivitaeten/neu', '/admin/harz/konten/', '/admin/harz/konten/neu', '/admin/harz/konten/presse%40demo.example',
    '/admin/', '/admin/goslar/medienkontakte/erika-beispiel/loeschen', '/admin/goslar/medien/hochladen', '/admin/goslar/medien/',
  ]) pages.push([path, server.url + path]);
  for (const [path, url] of pages) {
    if (path === '/admin/anmelden') {
      const anonymous = await browser.newPage({ bypassCSP: true });
      await anonymous.goto(url);
      await check(anonymous, path);
      await anonymous.close();
    } else {
      await page.goto(url);
      await check(page, path);
    }
  }
  await context.close();
});
