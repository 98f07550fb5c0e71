// Uploading a picture through the workspace in Chromium, on a local
// folder and on an S3-compatible store (moto's server): refused without
// alt text or when the file is no picture; once stored, shown on the
// public partnership page in its resized size.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, signIn, startS3 } from './browser.mjs';

/** A 1600 × 1000 JPEG drawn in the browser. */
async function photo(page) {
  const base64 = await page.evaluate(async () => {
    const canvas = document.createElement('canvas');
    canvas.width = 1600;
    canvas.height = 1000;
    const g = canvas.getContext('2d');
    g.fillStyle = '#2a6f3f'; g.fillRect(0, 0, 1600, 1000);
    g.fillStyle = '#f0c419'; g.fillRect(400, 250, 800, 500);
    const blob = await new Promise((ok) => canvas.toBlob(ok, 'image/jpeg', 0.9));
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let s = '';
    for (const b of bytes) s += String.fromCharCode(b);
    return btoa(s);
  });
  return Buffer.from(base64, 'base64');
}

for (const where of ['local', 's3']) {
  test(`a press officer uploads a picture that the public then sees (${where})`, async () => {
    const s3 = where === 's3' ? await startS3() : null;
    const server = await startServer(s3?.env ?? {});
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      await signIn(page, server, 'presse@demo.example');
      await page.goto(`${server.url}/admin/goslar/medien/hochladen`);
      const jpeg = await photo(page);
      const form = `${server.url}/admin/goslar/medien/hochladen`;

      // No alt text: refused, with the reason at the field.
      await page.setInputFiles('#f-file', { name: 'besuch.jpg', mimeType: 'image/jpeg', buffer: jpeg });
      await page.getByRole('button', { name: 'Hochladen' }).click();
      await page.waitForURL(form);
      assert.match(await page.locator('#e-alt').innerText(), /Beschreiben Sie, was das Bild zeigt/);

      // A text file renamed to .jpg: refused by its content.
      await page.setInputFiles('#f-file', { name: 'urkunde.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('Nur Text, kein Bild.') });
      await page.getByLabel('Alternativtext').fill('Urkunde');
      await page.getByRole('button', { name: 'Hochladen' }).click();
      assert.match(await page.locator('#e-file').innerText(), /weder Bild noch Video/);

      await page.setInputFiles('#f-file', { name: 'Unterzeichnung.jpg', mimeType: 'image/jpeg', buffer: jpeg });
      await page.getByLabel('Alternativtext').fill('Landrat und Starost beim Unterzeichnen der Urkunde');
      await page.getByLabel('Bildnachweis').fill('Foto: Landkreis Goslar');
      await page.getByRole('button', { name: 'Hochladen' }).click();
      await page.waitForURL(/\/admin\/goslar\/medien\/unterzeichnung-[0-9a-f]{4}\?hochgeladen=1$/);
      const slug = new URL(page.url()).pathname.split('/').pop();

      // Attached to the partnership, it appears there in the 960 size.
      const api = `${server.url}/api/v1/partnerships/goslar-trebnitz`;
      const partnership = await (await fetch(api)).json();
      const src = `/media/goslar/${slug}/w960.jpg`;
      partnership.images = [{ src, alt: 'Landrat und Starost beim Unterzeichnen der Urkunde', credit: 'Foto: Landkreis Goslar' }];
      const put = await fetch(api, { method: 'PUT', headers: { authorization: 'Bearer e2e-token', 'content-type': 'application/json' }, body: JSON.stringify(partnership) });
      assert.equal(put.status, 200, await put.text());
      await page.goto(`${server.url}/goslar/partnerschaften/goslar-trebnitz`);
      const img = page.getByRole('img', { name: 'Landrat und Starost beim Unterzeichnen der Urkunde' });
      await img.waitFor();
      const shown = await img.evaluate(async (el) => { await el.decode(); return { w: el.naturalWidth, h: el.naturalHeight, src: el.getAttribute('src') }; });
      assert.deepEqual(shown, { w: 960, h: 600, src });
      assert.match(await page.locator('figure.press-image figcaption').innerText(), /Foto: Landkreis Goslar/);
      if (where === 's3') {
        // The files went to the bucket, not to the server's folder.
        const { readdirSync, existsSync } = await import('node:fs');
        assert.ok(!existsSync(`${server.dir}/media/goslar`) || readdirSync(`${server.dir}/media/goslar`).length === 0);
      }
    } finally {
      await browser.close();
      await server.stop();
      await s3?.stop();
    }
  });
}
