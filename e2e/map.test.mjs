// The partnership maps, drawn on the server as SVG, checked in Chromium:
// each point lies where its coordinates say (by the map's own projection,
// and inside the outline of its country), the table beside the map holds
// the same places, and a point leads to its page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser } from './browser.mjs';

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

/** What the map shows and what its table says, read in the page. */
async function readMap(page) {
  return page.evaluate(() => {
    const svg = document.querySelector('svg.map');
    const [west, east, south, north] = svg.dataset.view.split(' ').map(Number);
    const { width, height } = svg.viewBox.baseVal;
    const points = [...svg.querySelectorAll('circle.map-point')].map((c) => {
      const x = c.cx.baseVal.value;
      const y = c.cy.baseVal.value;
      const outline = c.dataset.country && svg.querySelector(`path[data-id="${c.dataset.country}"]`);
      // Outlines at 1:50 million are coarse: a town on a border river may
      // fall a few units outside its country.
      const near = [[0, 0], [3, 0], [-3, 0], [0, 3], [0, -3]];
      const inCountry = outline ? near.some(([dx, dy]) => outline.isPointInFill(new DOMPoint(x + dx, y + dy))) : null;
      return {
        name: c.querySelector('title').textContent,
        lat: Number(c.dataset.lat),
        lon: Number(c.dataset.lon),
        x, y, inCountry,
        href: c.closest('a')?.getAttribute('href') ?? null,
      };
    });
    const rows = [...document.querySelectorAll('table.map-table tbody tr')].map((tr) => ({
      name: tr.querySelector('th').innerText.replace('Angabe ungeprüft', '').trim(),
      position: tr.cells[3].innerText,
      href: tr.querySelector('th a')?.getAttribute('href') ?? null,
    }));
    return { west, east, south, north, width, height, points, rows };
  });
}

/** "51,31° N, 17,06° O" → [51.31, 17.06]. */
function parsePosition(text) {
  const m = text.match(/([\d,]+)° ([NS]), ([\d,]+)° ([OW])/);
  assert.ok(m, text);
  const n = (s) => Number(s.replace(',', '.'));
  return [n(m[1]) * (m[2] === 'S' ? -1 : 1), n(m[3]) * (m[4] === 'W' ? -1 : 1)];
}

for (const path of ['/harz/partnerschaften', '/goslar/partnerschaften', '/nordhausen/partnerschaften/nordhausen-gostyn']) {
  test(`the map on ${path} puts each place where its coordinates say`, async () => {
    const page = await browser.newPage({ javaScriptEnabled: true });
    await page.goto(server.url + path);
    const map = await readMap(page);
    assert.ok(map.points.length >= 2, 'points are drawn');
    for (const p of map.points) {
      const x = (p.lon - map.west) / (map.east - map.west) * map.width;
      const y = (map.north - p.lat) / (map.north - map.south) * map.height;
      assert.ok(Math.abs(x - p.x) < 0.2 && Math.abs(y - p.y) < 0.2, `${p.name} at ${p.x},${p.y}, expected ${x},${y}`);
      assert.ok(p.x >= 0 && p.x <= map.width && p.y >= 0 && p.y <= map.height, `${p.name} inside the map`);
      assert.equal(p.inCountry, true, `${p.name} lies in its country's outline`);
    }
    // The table names every point with the same position, and more only
    // where a place lies outside the map's area.
    for (const p of map.points) {
      const row = map.rows.find((r) => r.name === p.name);
      assert.ok(row, `${p.name} is in the table`);
      const [lat, lon] = parsePosition(row.position);
      assert.ok(Math.abs(lat - p.lat) < 0.006 && Math.abs(lon - p.lon) < 0.006, `${p.name}: ${row.position}`);
      assert.equal(row.href, p.href, `${p.name} leads to the same page`);
    }
    const extra = map.rows.filter((r) => !map.points.some((p) => p.name === r.name));
    for (const r of extra) assert.match(r.position, /außerhalb des Kartenausschnitts/, r.name);
    await page.close();
  });
}

test('the Harz map shows its partners and leads to their pages', async () => {
  const page = await browser.newPage();
  await page.goto(`${server.url}/harz/partnerschaften`);
  const map = await readMap(page);
  const names = map.points.map((p) => p.name);
  for (const n of ['Landkreis Harz', 'Territoire de Belfort', 'Kreis Konecki', 'Kreis Iași', 'Kreis Bistrița-Năsăud', 'Náchod', 'Veltheim (Winterthur)']) {
    assert.ok(names.includes(n), `${n} on the map`);
  }
  // Hội An and Tillabéri are far: in the table, not on the map.
  assert.ok(!names.includes('Hoi An'));
  assert.ok(map.rows.some((r) => r.name === 'Hoi An'));
  await page.locator('svg.map a[aria-label="Territoire de Belfort"]').click();
  await page.waitForURL(/\/harz\/partnerschaften\/harz-belfort$/);
  assert.match(await page.locator('h1').innerText(), /Territoire de Belfort/);
  await page.close();
});
