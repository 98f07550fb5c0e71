// A coordinator reads a list of twinnings in Chromium: upload, preview
// with the unsure place to decide, import; the pages pass axe-core.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, signIn, checkAccessibility } from './browser.mjs';

const LIST = [
  'ort1,land1,ort2,land2,seit',
  'Goslar,Deutschland,Trebnitz,Polen,1991',
  'Iasi,Rumänien,Löhne,Deutschland,',
  'Lohne,Deutschland,Iași,Romania,',
  'Tokio,Japa,Goslar,Germany,',
].join('\n');

test('a coordinator previews a list of twinnings, decides the unsure place and imports it', async () => {
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ bypassCSP: true });
    await signIn(page, server, 'partnerschaften@demo.example');
    await page.goto(`${server.url}/admin/nordhausen/`);
    await page.getByRole('link', { name: 'Liste einlesen' }).click();
    await page.waitForURL(`${server.url}/admin/nordhausen/partnerschaften/liste`);
    await checkAccessibility(page, 'upload form');

    await page.setInputFiles('#f-file', { name: 'liste.csv', mimeType: 'text/csv', buffer: Buffer.from(LIST) });
    await page.getByRole('button', { name: 'Vorschau' }).click();
    await page.getByText('Noch ist nichts gespeichert.').waitFor();
    const summary = await page.locator('.import-summary').innerText();
    assert.match(summary, /1 Gebietskörperschaft, 2 Partnerschaften/);
    assert.match(summary, /1 Zeile wartet/);
    const question = page.getByRole('group', { name: '„Lohne“ (Deutschland), Zeile 4' });
    assert.equal(await question.getByLabel('offen lassen').isChecked(), true, 'open unless decided');
    assert.match(await page.locator('body').innerText(), /Zeile 5: Land „Japa“ von „Tokio“ ist unbekannt/);
    await checkAccessibility(page, 'preview');
    if (process.env.E2E_SHOTS) await page.screenshot({ path: `${process.env.E2E_SHOTS}/twinnings-preview.png`, fullPage: true });

    await question.getByLabel('ist ein anderer Ort (neu anlegen)').check();
    await page.getByRole('button', { name: 'Übernehmen' }).click();
    await page.getByText('Die Liste ist eingelesen.').waitFor();
    assert.match(await page.locator('.import-summary').innerText(), /2 Gebietskörperschaften, 3 Partnerschaften/);
    // The list came back through the browser's text field: same lines.
    assert.match(await page.locator('body').innerText(), /Zeile 5: Land „Japa“ von „Tokio“ ist unbekannt/);
    await checkAccessibility(page, 'result');
    if (process.env.E2E_SHOTS) await page.screenshot({ path: `${process.env.E2E_SHOTS}/twinnings-done.png`, fullPage: true });

    const api = await (await fetch(`${server.url}/api/v1/partnerships`)).json();
    const items = api.items ?? api;
    assert.ok(items.some((p) => p.regions.join() === 'stadt-goslar,trzebnica'), 'Goslar–Trzebnica imported');
  } finally {
    await browser.close();
    await server.stop();
  }
});
