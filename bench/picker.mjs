// Signs in as the demo's partnership coordinator and times the region
// picker and a partnership's edit page (see bench/picker).
import { launchBrowser } from '../e2e/browser.mjs';

const url = process.env.PICKER_URL;
const browser = await launchBrowser();
try {
  const page = await browser.newPage();
  await page.goto(`${url}/admin/anmelden`);
  await page.getByLabel('E-Mail-Adresse').fill('partnerschaften@demo.example');
  await page.getByLabel('Passwort').fill(process.env.PICKER_PASSWORD);
  await page.getByRole('button', { name: 'Anmelden' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/admin/anmelden'));
  const get = async (path) => {
    const started = performance.now();
    const response = await page.request.get(url + path);
    const body = await response.text();
    if (response.status() !== 200) throw new Error(`${path}: ${response.status()}`);
    return { ms: performance.now() - started, body };
  };
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const row = (label, value) => console.log(`${label.padEnd(52)} ${value}`);
  const picker = '/admin/harz/auswahl/gebiete?regions.0=';
  const first = await get(`${picker}g`);
  const typed = [];
  let offered = 0;
  for (const word of ['go', 'gos', 'gosl', 'gosla', 'goslar', 'b', 'bi', 'bis', 'bist', 'bistr']) {
    const answer = await get(picker + word);
    typed.push(answer.ms);
    offered += (answer.body.match(/<option/g) || []).length;
  }
  if (offered === 0) throw new Error('the picker offered nothing');
  row('picker, first keystroke after a change', `${first.ms.toFixed(1)} ms`);
  row('picker, further keystrokes (median of 10)', `${median(typed).toFixed(1)} ms`);
  const edits = [];
  for (let i = 0; i < 5; i++) edits.push((await get('/admin/harz/partnerschaften/harz-bistrita-nasaud')).ms);
  row('edit page of a partnership (median of 5)', `${median(edits).toFixed(1)} ms`);
} finally {
  await browser.close();
}
