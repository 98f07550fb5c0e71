// Takes full-page screenshots of the given paths on the demo:
//   node e2e/screenshot.mjs out-dir /harz/partnerschaften /goslar/
// E2E_URL=http://127.0.0.1:8080 shoots a server that runs already.
import { mkdirSync } from 'node:fs';
import { startServer, launchBrowser, signIn } from './browser.mjs';

const [outDir, ...paths] = process.argv.slice(2);
mkdirSync(outDir, { recursive: true });
const server = process.env.E2E_URL
  ? { url: process.env.E2E_URL, logins: {}, stop: async () => {} }
  : await startServer();
const browser = await launchBrowser();
try {
  // E2E_WIDTH=390 shoots at a phone's width.
  const width = Number(process.env.E2E_WIDTH || 1280);
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  // E2E_LOGIN=partnerschaften@demo.example signs in first, for admin pages.
  if (process.env.E2E_LOGIN) await signIn(page, server, process.env.E2E_LOGIN);
  for (const path of paths) {
    await page.goto(server.url + path);
    const file = `${outDir}/${path.replace(/[^a-z0-9]+/gi, '_').replace(/^_|_$/g, '') || 'index'}.png`;
    await page.screenshot({ path: file, fullPage: !process.env.E2E_VIEWPORT });
    console.log(file);
  }
} finally {
  await browser.close();
  await server.stop();
}
