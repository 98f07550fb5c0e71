// The network map of the whole installation in Chromium: the filters
// work without script, a cluster on the map opens its area closer, where
// a district's point leads to its page; every view passes axe-core.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, checkAccessibility } from './browser.mjs';

test('the network map filters, opens a cluster and leads to a district', async () => {
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await page.getByRole('link', { name: 'Netz der Partnerschaften' }).click();
    await page.waitForURL(`${server.url}/netzwerk`);
    const summary = await page.locator('.network-summary').innerText();
    assert.match(summary, /^\d+ Partnerschaften zwischen \d+ Orten in \d+ Ländern/);
    if (process.env.E2E_SHOTS) await page.screenshot({ path: `${process.env.E2E_SHOTS}/network.png`, fullPage: true });

    // Without script: the form is a plain GET.
    await page.getByLabel('Land', { exact: true }).selectOption('PL');
    await page.getByRole('button', { name: 'Anzeigen' }).click();
    await page.waitForURL(/\/netzwerk\?land=PL/);
    const table = await page.locator('.map-table').innerText();
    assert.doesNotMatch(table, /Belfort/, 'no French partnership with Poland');
    await page.getByRole('link', { name: 'ganzes Netz zeigen' }).click();
    await page.waitForURL(`${server.url}/netzwerk`);

    // The German cluster on the map: its count in the circle, its places
    // in its name; following it shows the districts one by one.
    const cluster = page.locator('svg.map a', { has: page.locator('circle.map-cluster') })
      .filter({ has: page.locator('title', { hasText: 'Landkreis Nordhausen' }) });
    assert.equal(await cluster.count(), 1);
    const count = Number(await cluster.locator('text.map-count').textContent());
    assert.ok(count > 3, `${count} places crowd in Germany`);
    await cluster.click();
    await page.waitForURL(/\/netzwerk\?bereich=/);
    const point = page.locator('svg.map a[href="/nordhausen/partnerschaften"]');
    assert.equal(await point.count(), 1, 'Nordhausen is a point of its own');
    // axe-core is a script: it checks the same address in a page with one.
    const checked = await browser.newPage({ bypassCSP: true });
    await checked.goto(page.url());
    await checkAccessibility(checked, 'the closer view');
    if (process.env.E2E_SHOTS) await page.screenshot({ path: `${process.env.E2E_SHOTS}/network-closer.png`, fullPage: true });
    await point.click();
    await page.waitForURL(`${server.url}/nordhausen/partnerschaften`);
  } finally {
    await browser.close();
    await server.stop();
  }
});

test('the network page passes axe-core', async () => {
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ bypassCSP: true });
    await page.goto(`${server.url}/netzwerk`);
    await checkAccessibility(page, 'the whole network');
    await page.goto(`${server.url}/netzwerk?art=freundschaft`);
    await checkAccessibility(page, 'friendships');
  } finally {
    await browser.close();
    await server.stop();
  }
});
