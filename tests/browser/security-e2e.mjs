// A hostile HTML message in the console: its <script>, event handlers,
// javascript: links and remote images run and load nothing, until the reader
// clicks "load remote content" (then, and only then, the images load).
// A local HTTP listener records every request the message could make.
//   node security-e2e.mjs --web http://127.0.0.1:P --smtp 127.0.0.1:P --out DIR
import http from 'node:http';
import { check, equal, run, sendMail } from './lib.mjs';

const hits = [];
const listener = http.createServer((request, response) => {
  hits.push(request.url);
  response.writeHead(200, { 'Content-Type': 'image/gif', 'Access-Control-Allow-Origin': '*' });
  response.end(Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64'));
});
await new Promise(resolve => listener.listen(0, '127.0.0.1', resolve));
const trap = `http://127.0.0.1:${listener.address().port}`;

const subject = 'Hostile <img src=x onerror="top.document.title=\'PWNED-subject\'"> письмо';
const html = `<!doctype html><html><head>
<meta http-equiv="refresh" content="0;url=${trap}/meta-refresh">
<link rel="stylesheet" href="${trap}/style.css">
<script>try { top.document.title = 'PWNED-script'; } catch (e) {} new Image().src = '${trap}/script';</script>
<script src="${trap}/external.js"></script>
</head><body onload="top.document.title='PWNED-onload'; new Image().src='${trap}/onload'">
<h1 id="hello">Безопасно</h1>
<img id="remote" alt="remote" src="${trap}/remote.gif">
<img src="nonexistent:x" onerror="top.document.title='PWNED-onerror'; new Image().src='${trap}/onerror'">
<svg onload="new Image().src='${trap}/svg'"><rect width="1" height="1"/></svg>
<a id="jslink" href="javascript:top.document.title='PWNED-link';new Image().src='${trap}/link'">click me</a>
<iframe src="${trap}/inner-frame"></iframe>
<div style="background-image:url('${trap}/background')">styled</div>
</body></html>`;

await run('security-e2e', ['smtp'], async ({ options, page, step, screenshot }) => {
  const web = options.web.replace(/\/$/, '');
  const title = 'Mail · NetKit console';
  const dialogs = [];
  page.on('dialog', dialog => { dialogs.push(dialog.message()); dialog.dismiss(); });
  const quiet = async what => {
    // Give anything that might fire a moment; the listener and the page must stay untouched.
    await page.waitForTimeout(500);
    equal(JSON.stringify(hits), '[]', `requests to the trap listener ${what}`);
    equal(await page.title(), title, `page title ${what}`);
    equal(JSON.stringify(dialogs), '[]', `dialogs ${what}`);
  };

  await step('the hostile message arrives and is listed with its subject as text', async () => {
    await page.goto(`${web}/#/mail`);
    await page.locator('[data-testid="live-indicator"][data-state="live"]').waitFor();
    await sendMail(options.smtp, { from: 'mallory@example.org', to: 'bob@localhost', subject, charset: 'utf-8', text: 'See the HTML part.', html });
    const rowSubject = page.getByTestId('row-subject').filter({ hasText: 'Hostile' });
    await rowSubject.waitFor();
    check((await rowSubject.textContent()).includes('<img src=x onerror='), 'the subject is not shown as plain text');
    equal(await page.locator('[data-testid="message-list"] img').count(), 0, 'img elements in the list');
    await quiet('after listing');
  });

  await step('opened, the HTML shows in a script-less sandbox and loads nothing', async () => {
    await page.getByTestId('message-link').first().click();
    equal(await page.getByTestId('html-frame').getAttribute('sandbox'), '', 'sandbox attribute');
    const frame = page.frameLocator('[data-testid="html-frame"]');
    equal(await frame.locator('#hello').textContent(), 'Безопасно', 'heading inside the frame');
    equal(await page.getByTestId('message-subject').textContent(), subject, 'subject shown as text');
    await quiet('after opening');
  });
  await screenshot('blocked');

  await step('clicking the javascript: link runs nothing', async () => {
    await page.frameLocator('[data-testid="html-frame"]').locator('#jslink').click();
    await quiet('after the javascript: link');
  });

  await step('the text, headers and source tabs show the markup as text', async () => {
    for (const tab of ['text', 'headers', 'raw']) {
      await page.getByTestId(`tab-${tab}`).click();
      await page.getByTestId(`panel-${tab}`).waitFor();
    }
    await page.getByTestId('message-raw').filter({ hasText: '<script>' }).waitFor();
    equal(await page.locator('[data-testid="message-view"] script, [data-testid="message-view"] img, [data-testid="message-view"] svg').count(), 0, 'live elements outside the frame');
    await quiet('after the other tabs');
  });

  await step('"load remote content" loads the remote image and still runs no script', async () => {
    await page.getByTestId('tab-html').click();
    await page.getByTestId('load-remote').click();
    equal(await page.getByTestId('load-remote').getAttribute('aria-pressed'), 'true', 'toggle state');
    const frame = page.frameLocator('[data-testid="html-frame"]');
    await frame.locator('#hello').waitFor();
    const deadline = Date.now() + 5000;
    while (!hits.includes('/remote.gif') && Date.now() < deadline) await page.waitForTimeout(100);
    check(hits.includes('/remote.gif'), `the remote image was not loaded: ${JSON.stringify(hits)}`);
    const scripted = hits.filter(hit => ['/script', '/external.js', '/onload', '/onerror', '/svg', '/link', '/meta-refresh'].includes(hit));
    equal(JSON.stringify(scripted), '[]', 'requests only a script or handler would make');
    equal(await page.title(), title, 'page title with remote content');
    equal(JSON.stringify(dialogs), '[]', 'dialogs with remote content');
    console.log(`remote content requests: ${JSON.stringify(hits)}`);
  });
  await screenshot('remote-loaded');
});
listener.close();
