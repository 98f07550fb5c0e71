// The figures page in Chromium: views counted from real page loads (with
// a referring site) show up at once; every chart's bars equal its table;
// axe-core finds nothing serious; the CSV file holds the table's numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, checkAccessibility, signIn } from './browser.mjs';

test('the figures page draws what was counted and its tables say the same', async () => {
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const visitor = await browser.newContext();
    const v = await visitor.newPage();
    for (const path of ['/harz/', '/harz/partnerschaften', '/harz/partnerschaften', '/harz/presse']) {
      await v.goto(`${server.url}${path}`, { referer: 'https://www.kreis-hz.de/aktuelles' });
    }
    assert.deepEqual(await visitor.cookies(), [], 'the public site sets no cookie');
    await visitor.close();

    // axe-core is injected as a script; the workspace's CSP refuses that.
    const context = await browser.newContext({ bypassCSP: true, acceptDownloads: true });
    const page = await context.newPage();
    await signIn(page, server, 'presse@demo.example');
    await page.goto(`${server.url}/admin/harz/`);
    await page.getByRole('link', { name: 'Zahlen' }).click();
    await page.waitForURL(`${server.url}/admin/harz/zahlen`);
    assert.match(await page.locator('main').innerText(), /4 Seitenaufrufe in den letzten 30 Tagen/);
    if (process.env.E2E_SHOTS) await page.screenshot({ path: `${process.env.E2E_SHOTS}/figures.png`, fullPage: true });

    for (const id of ['aufrufe', 'seiten', 'herkunft']) {
      const bars = await page.locator(`svg#${id} rect.chart-bar`).evaluateAll((rects) =>
        rects.map((r) => [r.dataset.label, Number(r.dataset.value)]));
      const rows = await page.locator(`#${id}-tabelle tbody tr`).evaluateAll((trs) =>
        trs.map((tr) => [tr.cells[0].textContent, Number(tr.cells[1].dataset.value)]));
      assert.ok(bars.length > 0, `${id} draws bars`);
      assert.deepEqual(bars, rows.slice(0, bars.length), `${id}: chart and table agree`);
      // Heights follow the values.
      const heights = await page.locator(`svg#${id} rect.chart-bar`).evaluateAll((rects) =>
        rects.map((r) => r.getBBox()[r.closest('svg').id === 'aufrufe' ? 'height' : 'width']));
      const max = Math.max(...bars.map((b) => b[1]));
      bars.forEach(([, value], i) => {
        assert.ok(Math.abs(heights[i] / Math.max(...heights) - value / max) < 0.01, `${id} bar ${i}`);
      });
    }
    const pages = await page.locator('#seiten-tabelle tbody tr').evaluateAll((trs) =>
      trs.map((tr) => [tr.cells[0].textContent, tr.cells[1].textContent]));
    assert.deepEqual(pages[0], ['/harz/partnerschaften', '2']);
    const hosts = await page.locator('#herkunft-tabelle').textContent();
    assert.match(hosts, /www\.kreis-hz\.de/);
    await checkAccessibility(page, 'the figures page');

    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: '„Meistaufgerufene Seiten, Feeds und Kalender“ als CSV-Datei' }).click();
    const file = await (await download).path();
    const { readFile } = await import('node:fs/promises');
    const lines = (await readFile(file, 'utf8')).replace(/^\uFEFF/, '').trim().split(/\r\n/);
    assert.equal(lines[0], 'Adresse;Aufrufe');
    assert.ok(lines.includes('/harz/partnerschaften;2'), lines.join('\n'));
  } finally {
    await browser.close();
    await server.stop();
  }
});
