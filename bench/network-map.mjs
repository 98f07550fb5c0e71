// The browser half of bench/network-map: loads the network page in
// Chromium five times (the server answers from its cache after the
// first), reports the median time until `load` and the first contentful
// paint, what the SVG draws and its size, and runs axe-core on the page.
import { launchBrowser, checkAccessibility } from '../e2e/browser.mjs';

const url = `${process.env.NETWORK_URL}/netzwerk`;
const budget = Number(process.env.BUDGET_MS || 0);
const browser = await launchBrowser();
try {
  const loads = [];
  const paints = [];
  let drawn;
  for (let i = 0; i < 5; i++) {
    const page = await browser.newPage({ bypassCSP: true });
    await page.goto(url, { waitUntil: 'load' });
    const t = await page.evaluate(async () => {
      const nav = performance.getEntriesByType('navigation')[0];
      // A fast page may reach `load` before its first paint is recorded.
      const fcp = await new Promise((resolve) => {
        new PerformanceObserver((list) => {
          const entry = list.getEntriesByName('first-contentful-paint')[0];
          if (entry) resolve(entry);
        }).observe({ type: 'paint', buffered: true });
        setTimeout(() => resolve(undefined), 5000);
      });
      const svg = document.querySelector('svg.map');
      return {
        load: nav.loadEventEnd - nav.startTime,
        fcp: fcp ? fcp.startTime : NaN,
        svgBytes: svg ? new Blob([svg.outerHTML]).size : 0,
        points: svg ? svg.querySelectorAll('circle.map-point').length : 0,
        clusters: svg ? svg.querySelectorAll('circle.map-cluster').length : 0,
        lines: svg ? svg.querySelectorAll('line').length : 0,
        outlines: svg ? svg.querySelectorAll('path.map-land').length : 0,
        rows: document.querySelectorAll('.map-table tbody tr').length,
        summary: document.querySelector('.network-summary')?.textContent.trim(),
      };
    });
    loads.push(t.load);
    paints.push(t.fcp);
    drawn = t;
    if (i === 0) await checkAccessibility(page, 'the network map');
    await page.close();
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const row = (label, value) => console.log(`${label.padEnd(44)} ${value}`);
  row('what it shows', drawn.summary);
  row('SVG', `${(drawn.svgBytes / 1024).toFixed(0)} KiB: ${drawn.outlines} outlines, ${drawn.points} points, ${drawn.clusters} clusters, ${drawn.lines} lines; ${drawn.rows} table rows`);
  row('Chromium, until load (median of 5)', `${median(loads).toFixed(0)} ms`);
  row('Chromium, first contentful paint (median)', `${median(paints).toFixed(0)} ms`);
  row('axe-core', 'no serious or critical violation');
  if (budget && median(loads) > budget) {
    console.error(`over budget: ${median(loads).toFixed(0)} ms > ${budget} ms`);
    process.exitCode = 1;
  }
} finally {
  await browser.close();
}
