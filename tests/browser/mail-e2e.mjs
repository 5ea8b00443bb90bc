// The mail console end to end, in Debian's chromium: with the page open, a
// Windows-1251 8bit Cyrillic message with an attachment arrives over SMTP
// (Python's smtplib); it appears in the list without a reload, opens, shows its
// Cyrillic subject, text and HTML correctly, its attachment downloads byte for
// byte; a search finds it; it is deleted, then everything is.
//   node mail-e2e.mjs --web http://127.0.0.1:P --smtp 127.0.0.1:P --out DIR
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { check, equal, run, sendMail } from './lib.mjs';

const subject = 'Проверка связи: ёлка, Ёж и № 5 — тест';
const text = 'Здравствуйте, Боб!\nЭто письмо в кодировке Windows-1251, 8bit.\nСъешь же ещё этих мягких французских булок, да выпей чаю.';
const html = '<html><body><p>Привет, <b data-testid="bold">мир</b>!</p><p>Ещё строка: ЁЖИК.</p></body></html>';
const attachmentName = 'отчёт-2026.bin';

const row = (page, subjectText) => page.locator('[data-testid="message-row"]', { has: page.locator('[data-testid="row-subject"]', { hasText: subjectText }) });

await run('mail-e2e', ['smtp'], async ({ options, page, step, screenshot }) => {
  const web = options.web.replace(/\/$/, '');
  let navigations = 0;
  page.on('framenavigated', frame => { if (frame === page.mainFrame()) navigations++; });

  await step('the mail page opens and its live feed connects', async () => {
    const response = await page.goto(`${web}/#/mail`);
    check((response.headers()['content-security-policy'] ?? '').includes("default-src 'self'"), 'the page has no strict CSP');
    await page.getByTestId('mail-page').waitFor();
    await page.locator('[data-testid="live-indicator"][data-state="live"]').waitFor();
    await page.locator('[data-testid="message-count"]', { hasText: /\d/ }).waitFor();
    await page.evaluate(() => { window.netkitMarker = 'same page'; });
  });
  const baseline = navigations;
  await screenshot('empty');

  const attachmentBytes = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), randomBytes(4096)]);
  const attachmentPath = path.join(options.out, 'attachment-sent.bin');
  writeFileSync(attachmentPath, attachmentBytes);

  await step('a Windows-1251 message sent over SMTP appears in the open list without a reload', async () => {
    await sendMail(options.smtp, {
      from: 'Алиса <alice@example.org>', to: 'bob@localhost', subject, charset: 'windows-1251', text, html,
      attachments: [{ name: attachmentName, path: attachmentPath, contentType: 'application/octet-stream' }],
    });
    await row(page, subject).waitFor();
    equal(await page.evaluate(() => window.netkitMarker), 'same page', 'the page was reloaded');
    equal(navigations, baseline, 'main-frame navigations since the page opened');
    await page.locator('[data-testid="message-count"]', { hasText: /^1 / }).waitFor();
  });
  await screenshot('arrived');

  await step('the message opens with its Cyrillic subject and sender', async () => {
    await row(page, subject).getByTestId('message-link').click();
    await page.waitForURL(/#\/mail\/\d+$/);
    equal(await page.getByTestId('message-subject').textContent(), subject, 'subject');
    check((await page.getByTestId('message-from').textContent()).includes('Алиса'), 'the sender\'s Cyrillic name is missing');
  });

  await step('the HTML part renders its Cyrillic text in the sandboxed frame', async () => {
    equal(await page.getByTestId('tab-html').getAttribute('aria-selected'), 'true', 'HTML tab selected first');
    const frame = page.frameLocator('[data-testid="html-frame"]');
    equal(await frame.locator('b').textContent(), 'мир', 'bold word in the HTML part');
    check((await frame.locator('body').textContent()).includes('Ещё строка: ЁЖИК.'), 'HTML body text');
    equal(await page.getByTestId('html-frame').getAttribute('sandbox'), '', 'iframe sandbox attribute');
  });
  await screenshot('html');

  await step('the text tab shows the Cyrillic body exactly', async () => {
    await page.getByTestId('tab-text').click();
    const shown = (await page.getByTestId('message-text').textContent()).replace(/\r\n/g, '\n').trim();
    equal(shown, text, 'text part');
  });
  await screenshot('text');

  await step('the tabs move with the arrow keys', async () => {
    await page.getByTestId('tab-text').focus();
    await page.keyboard.press('ArrowRight');
    equal(await page.getByTestId('tab-headers').getAttribute('aria-selected'), 'true', 'headers tab after ArrowRight');
    await page.getByTestId('panel-headers').locator('th', { hasText: /^Message-ID$/i }).first().waitFor();
  });

  await step('the source tab shows the raw message', async () => {
    await page.getByTestId('tab-raw').click();
    await page.getByTestId('message-raw').filter({ hasText: 'Content-Transfer-Encoding: 8bit' }).waitFor();
    check((await page.getByTestId('message-raw').textContent()).includes('=?windows-1251?'), 'the raw subject is not the encoded word');
  });

  await step('the attachment downloads byte for byte, with its Cyrillic name', async () => {
    await page.getByTestId('tab-attachments').click();
    const link = page.getByTestId('attachment-link');
    equal(await link.textContent(), attachmentName, 'attachment name');
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const saved = path.join(options.out, 'attachment-downloaded.bin');
    await download.saveAs(saved);
    const got = readFileSync(saved);
    check(got.equals(attachmentBytes), `downloaded ${got.length} bytes differ from the ${attachmentBytes.length} sent`);
    equal(download.suggestedFilename(), attachmentName, 'download file name');
  });
  await screenshot('attachments');

  await step('a second message is listed first (newest first)', async () => {
    await sendMail(options.smtp, { from: 'carol@example.org', to: 'dave@localhost', subject: 'Plain second message', charset: 'us-ascii', text: 'Hello.' });
    await row(page, 'Plain second message').waitFor();
    const subjects = await page.getByTestId('row-subject').allTextContents();
    equal(subjects.length, 2, 'rows');
    check(subjects[0].includes('Plain second message') && subjects[1].includes(subject), `order: ${JSON.stringify(subjects)}`);
  });

  await step('a search by subject finds the Cyrillic message only', async () => {
    await page.getByTestId('search-q').fill('ёлка');
    await page.getByTestId('search-submit').click();
    await page.locator('[data-testid="message-count"]', { hasText: /^1 / }).waitFor();
    equal((await page.getByTestId('row-subject').allTextContents()).length, 1, 'rows after the search');
    await page.getByTestId('search-reset').click();
    await page.locator('[data-testid="message-count"]', { hasText: /^2 / }).waitFor();
  });

  await step('a search by sender finds the second message only', async () => {
    await page.locator('[data-testid="mail-search"] summary').click();
    await page.getByTestId('search-from').fill('carol@');
    await page.getByTestId('search-from').press('Enter');
    await page.locator('[data-testid="message-count"]', { hasText: /^1 / }).waitFor();
    equal(JSON.stringify(await page.getByTestId('row-subject').allTextContents()), '["Plain second message"]', 'rows after the search by sender');
    await page.getByTestId('search-reset').click();
    await page.locator('[data-testid="message-count"]', { hasText: /^2 / }).waitFor();
  });

  await step('deleting the open message removes it from the list', async () => {
    await row(page, 'Plain second message').getByTestId('message-link').click();
    await page.getByTestId('message-subject').filter({ hasText: 'Plain second message' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('message-view').waitFor({ state: 'hidden' });
    await row(page, subject).getByTestId('message-link').click();
    await page.getByTestId('message-subject').filter({ hasText: subject }).waitFor();
    const id = (await page.getByTestId('message-subject').getAttribute('data-id'));
    await page.getByTestId('delete-message').click();
    await row(page, subject).waitFor({ state: 'detached' });
    await page.getByTestId('message-view').waitFor({ state: 'hidden' });
    equal(await page.evaluate(async id => (await fetch(`/api/messages/${id}`)).status, id), 404, 'GET of the deleted message');
  });
  await screenshot('deleted');

  await step('delete all empties the list', async () => {
    page.once('dialog', dialog => dialog.accept());
    await page.getByTestId('delete-all').click();
    await page.getByTestId('no-messages').waitFor();
    equal(await page.getByTestId('message-row').count(), 0, 'rows after delete all');
  });

  await step('the dashboard lists the services and its counts go up on their own', async () => {
    await page.getByTestId('nav-dashboard').click();
    const smtp = page.locator('[data-testid="service-row"][data-service="smtp"]');
    await smtp.waitFor();
    await page.locator('[data-testid="service-row"][data-service="web"]').waitFor();
    const total = async () => Number((await smtp.getByTestId('service-total').textContent()).replace(/\D/g, ''));
    const before = await total();
    check(before >= 2, `smtp total connections ${before}, expected at least the 2 sessions sent`);
    await sendMail(options.smtp, { from: 'erin@example.org', to: 'bob@localhost', subject: 'One more', charset: 'us-ascii', text: 'Count me.' });
    await page.waitForFunction(
      expected => Number(document.querySelector('[data-service="smtp"] [data-testid="service-total"]')?.textContent.replace(/\D/g, '')) > expected,
      before, { timeout: 10_000 });
  });
  await screenshot('dashboard');
});
