// News and files in the console, in Debian's chromium: articles posted over
// NNTP (Python's nntplib) show threaded by References with their Cyrillic text;
// the FTP and Gopher roots browse folder by folder and download byte for byte.
//   node browse-e2e.mjs --web URL --nntp HOST:PORT --group NAME --ftp-root DIR --gopher-root DIR --out DIR
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { check, equal, postArticle, run } from './lib.mjs';

const first = { subject: 'Тема: кириллица в новостях', text: 'Текст первой статьи.\nВторая строка — с тире.', messageId: '<first.1@netkit.test>' };
const other = { subject: 'Another thread', text: 'Unrelated.', messageId: '<other.2@netkit.test>' };
const reply = { subject: 'Re: Тема: кириллица в новостях', text: 'Ответ на первую статью.', messageId: '<reply.3@netkit.test>', references: [first.messageId] };

await run('browse-e2e', ['nntp', 'group', 'ftp-root', 'gopher-root'], async ({ options, page, step, screenshot }) => {
  const web = options.web.replace(/\/$/, '');
  const group = options.group;

  await step('three articles posted over NNTP list threaded by References', async () => {
    for (const article of [first, other, reply]) {
      await postArticle(options.nntp, { group, from: 'Алиса <alice@example.org>', ...article });
    }
    await page.goto(`${web}/#/news`);
    const link = page.locator(`[data-testid="group-link"][data-group="${group}"]`);
    await link.waitFor();
    await link.click();
    await page.locator('[data-testid="article-count"]', { hasText: /^3 / }).waitFor();
    const rows = page.getByTestId('article-row');
    const subjects = await rows.locator('.subject').allTextContents();
    equal(JSON.stringify(subjects), JSON.stringify([first.subject, reply.subject, other.subject]), 'thread order');
    const depths = await rows.evaluateAll(items => items.map(item => item.dataset.depth));
    equal(JSON.stringify(depths), '["0","1","0"]', 'depths');
  });

  await step('the reply opens with its Cyrillic subject and text', async () => {
    await page.getByTestId('article-link').nth(1).click();
    await page.waitForURL(/#\/news\/.+\/\d+$/);
    equal(await page.getByTestId('article-subject').textContent(), reply.subject, 'article subject');
    equal((await page.getByTestId('article-text').textContent()).replace(/\r\n/g, '\n').trim(), reply.text, 'article text');
    check((await page.getByTestId('article-from').textContent()).includes('Алиса'), 'article sender');
  });
  await screenshot('news');

  const text = Buffer.from('Привет из FTP!\nЁжик в тумане.\n', 'utf-8');
  const binary = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), randomBytes(2048)]);
  mkdirSync(path.join(options['ftp-root'], 'pub', 'Документы'), { recursive: true });
  writeFileSync(path.join(options['ftp-root'], 'pub', 'Документы', 'привет.txt'), text);
  writeFileSync(path.join(options['gopher-root'], 'data.bin'), binary);

  const download = async (link, expected, name) => {
    const [file] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const saved = path.join(options.out, `browse-${name}`);
    await file.saveAs(saved);
    check(readFileSync(saved).equals(expected), `${name}: the downloaded bytes differ`);
    equal(file.suggestedFilename(), name, 'download file name');
  };

  await step('the FTP root browses into a Cyrillic folder and downloads a file', async () => {
    await page.getByTestId('nav-files').click();
    await page.getByTestId('root-ftp').click();
    await page.locator('[data-testid="folder-link"]', { hasText: /^pub\/$/ }).click();
    await page.locator('[data-testid="folder-link"]', { hasText: 'Документы/' }).click();
    const link = page.locator('[data-testid="file-link"]', { hasText: 'привет.txt' });
    await link.waitFor();
    equal(await page.getByTestId('crumb').last().textContent(), 'Документы', 'breadcrumb');
    await screenshot('ftp');
    await download(link, text, 'привет.txt');
  });

  await step('the Gopher root lists and downloads a binary file', async () => {
    await page.getByTestId('root-gopher').click();
    const link = page.locator('[data-testid="file-link"]', { hasText: 'data.bin' });
    await link.waitFor();
    await download(link, binary, 'data.bin');
  });

  await step('the parent-folder link and the keyboard bring the reader back', async () => {
    await page.getByTestId('root-ftp').click();
    await page.locator('[data-testid="folder-link"]', { hasText: /^pub\/$/ }).focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('parent-folder').waitFor();
    await page.getByTestId('parent-folder').click();
    await page.locator('[data-testid="folder-link"]', { hasText: /^pub\/$/ }).waitFor();
  });
});
