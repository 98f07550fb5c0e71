// What a reader sees of the demo's public site in headless Chromium, and
// an axe-core accessibility check of every public page type.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { startServer, launchBrowser } from './browser.mjs';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
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

test('a reader follows a partnership of Landkreis Harz from the overview', async () => {
  const page = await browser.newPage();
  // Under the site's Content-Security-Policy nothing may be refused:
  // styles, fonts and images all come from the site itself.
  const refused = [];
  page.on('console', (m) => { if (/Content Security Policy/.test(m.text())) refused.push(m.text()); });
  page.on('requestfailed', (r) => refused.push(`${r.url()}: ${r.failure()?.errorText}`));
  await page.goto(`${server.url}/harz/partnerschaften`);
  assert.equal(await page.locator('h1').innerText(), 'Partnerschaften');
  const partners = page.locator('section[aria-labelledby="h-partner"] li');
  assert.equal(await partners.count(), 4, 'four partner regions of the district');
  const towns = await page.locator('section[aria-labelledby="h-towns"] h3').allInnerTexts();
  assert.ok(towns.includes('Stadt Wernigerode') && towns.includes('Stadt Osterwieck'), towns.join(', '));

  await page.locator('.partner-list').getByRole('link', { name: 'Kreis Bistrița-Năsăud' }).click();
  await page.waitForURL('**/harz/partnerschaften/harz-bistrita-nasaud');
  assert.match(await page.locator('h1').innerText(), /Kreis Bistrița-Năsăud/);
  assert.match(await page.locator('.kern-subline').innerText(), /Partnerschaft mit dem Landkreis Harz · aktiv seit Anfang 2003/);
  const timeline = await page.locator('ol.timeline li').allInnerTexts();
  assert.deepEqual(timeline.map((t) => t.split('\n')[0].trim()), [
    'Anfang 2003 Absichtserklärung (Landkreis Halberstadt)',
    'Ende 2003 Kooperationsvereinbarung (Landkreis Halberstadt)',
    '2009 Übergang durch Gebietsreform (Landkreis Harz)',
  ]);
  const about = await page.locator('section[aria-labelledby="h-partner-region"]').innerText();
  assert.match(about, /286\.225/);
  assert.match(about, /Stand 2011/);
  const contact = await page.locator('address').innerText();
  assert.match(contact, /standortfoerderung@kreis-hz\.de/);
  const font = await page.evaluate(() => getComputedStyle(document.body).fontFamily);
  assert.match(font, /Fira Sans/, 'the stylesheet applied');
  assert.deepEqual(refused, []);
  await page.close();
});

test('the site works without JavaScript', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${server.url}/goslar/`);
  await page.getByRole('link', { name: 'Partnerschaften', exact: true }).click();
  await page.locator('.partner-list').getByRole('link', { name: 'Landkreis Trebnitz' }).click();
  assert.match(await page.locator('.kern-subline').innerText(), /aktiv seit 2000/);
  assert.match(await page.locator('body').innerText(), /über 20 Paletten/);
  await context.close();
});

test('a visitor searches from the header and gets ranked hits with the words marked', async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(`${server.url}/goslar/partnerschaften`);
  await page.getByRole('searchbox', { name: 'Suchbegriff' }).fill('Hilfstransporte');
  await page.getByRole('button', { name: 'Suchen' }).click();
  await page.waitForURL(/\/goslar\/suche\?q=Hilfstransporte$/);
  assert.equal(await page.locator('#suchergebnisse').getAttribute('data-state'), 'server');
  const first = page.locator('.search-hit').first();
  assert.match(await first.locator('h2').innerText(), /Hilfskonvoi/);
  assert.ok((await page.locator('.search-hit mark').count()) > 0, 'the words found are marked');
  // Narrowed to a kind: the form keeps what was asked.
  await page.selectOption('#art', 'organisationen');
  await page.fill('#q', 'Trebnitz');
  await page.getByRole('button', { name: 'Suchen' }).click();
  await page.waitForURL(/art=organisationen/);
  const kinds = await page.locator('.search-hit__meta').allInnerTexts();
  assert.ok(kinds.length > 0 && kinds.every((k) => k === 'Organisation'), kinds.join(' | '));
  assert.equal(await page.inputValue('#q'), 'Trebnitz');
  assert.deepEqual(errors, [], 'the script stays quiet on the server and the CSP refuses nothing');
  await page.close();
});

// One page of every public type, at a desktop's and a phone's width.
const pageTypes = [
  '/', '/harz/', '/harz/partnerschaften', '/goslar/partnerschaften/goslar-trebnitz',
  '/stade/kommunikation', '/harz/kontakt', '/spree-neisse/presse', '/spree-neisse/presse/2014/150',
  '/goslar/presse/anfrage', '/harz/barrierefreiheit', '/harz/barrierefreiheit/rueckmeldung',
  '/harz/leichte-sprache', '/harz/gibt-es-nicht', '/goslar/partnerschaften/goslar-trebnitz/pl',
  '/stade/seiten/soziale-medien/serviceportal', '/harz/suche?q=Iasi',
];
for (const width of [1280, 390]) for (const path of pageTypes) {
  test(`axe-core finds no serious or critical violations on ${path} at ${width} px`, async () => {
    // axe-core is injected by the test, which the site's CSP rightly refuses.
    const page = await browser.newPage({ bypassCSP: true, viewport: { width, height: 900 } });
    await page.goto(server.url + path);
    await page.addScriptTag({ content: axeSource });
    const result = await page.evaluate(() => window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }));
    const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join('; ')})`), []);
    assert.ok(result.passes.length > 10, 'axe actually ran its checks');
    await page.close();
  });
}
