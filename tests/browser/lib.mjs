// Shared by the browser tests: arguments, Debian's chromium through playwright-core,
// steps that print "ok - ..." lines, screenshots, and mail sent with Python's smtplib.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));

/** --web URL --out DIR [--smtp HOST:PORT] [--nntp HOST:PORT] [--ftp-root DIR] ... [--chromium PATH] */
export function parseArguments(required, argv = process.argv.slice(2)) {
  const options = { chromium: process.env.CHROMIUM ?? '/usr/bin/chromium' };
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, '');
    if (argv[i + 1] === undefined) throw new Error(`--${name} needs a value`);
    options[name] = argv[i + 1];
  }
  const missing = required.filter(name => !options[name]);
  if (missing.length > 0) {
    throw new Error(`usage: node ${path.basename(process.argv[1])} ${required.map(name => `--${name} VALUE`).join(' ')} (missing ${missing.join(', ')})`);
  }
  mkdirSync(options.out, { recursive: true });
  return options;
}

export function check(condition, message) {
  if (!condition) throw new Error(message);
}

export function equal(actual, expected, what) {
  if (actual !== expected) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

/**
 * Runs `body(context)` with a fresh headless chromium page; prints "ok - STEP" per step,
 * "PASS NAME" at the end, or "FAIL NAME: why" (with a screenshot) and exit code 1.
 */
export async function run(name, required, body) {
  const options = parseArguments(['web', 'out', ...required]);
  const browser = await chromium.launch({ executablePath: options.chromium, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1400, height: 900 }, locale: 'ru-RU' });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const problems = [];
  page.on('pageerror', error => problems.push(`page error: ${error.message}`));
  // The console's own errors are worth seeing; the message frame's (blocked scripts, CSP refusals) are the point of the sandbox.
  // The message frame's refusals (blocked scripts, its own CSP: default-src 'none') are the point
  // of the sandbox; a refusal by the console's policy (the only one with 'self') is a bug.
  page.on('console', message => {
    if (message.type() !== 'error') return;
    const text = message.text();
    if (/Content Security Policy/.test(text) && /'self'|object-src|base-uri/.test(text)) problems.push(`CSP violation in the console: ${text}`);
    else if (/sandboxed|Content Security Policy/.test(text) || /\/api\/messages\/\d+\/html/.test(message.location().url ?? '')) return;
    console.log(`console error: ${text}`);
  });
  let shots = 0;
  const screenshot = async label => {
    const file = path.join(options.out, `${name}-${String(++shots).padStart(2, '0')}-${label}.png`);
    await page.screenshot({ path: file, fullPage: true });
    console.log(`screenshot ${file}`);
  };
  const step = async (label, action) => {
    await action();
    console.log(`ok - ${label}`);
  };
  let failed = false;
  try {
    await body({ options, browser, context, page, step, screenshot, problems });
    check(problems.length === 0, problems.join('; '));
    console.log(`PASS ${name}`);
  } catch (error) {
    failed = true;
    console.log(`FAIL ${name}: ${error.stack ?? error}`);
    await screenshot('failure').catch(() => {});
  } finally {
    await browser.close();
  }
  process.exit(failed ? 1 : 0);
}

/** Sends a message with send_mail.py (Python's smtplib); resolves to its Message-ID. */
export function sendMail(smtp, spec) {
  return python('send_mail.py', smtp, spec);
}

/** Posts an article with post_article.py (Python's nntplib). */
export function postArticle(nntp, spec) {
  return python('post_article.py', nntp, spec);
}

/** Runs one of the Python peers beside this file with `{ host, port, ...spec }` as JSON on stdin; resolves to its output. */
function python(script, hostPort, spec) {
  const [host, port] = [hostPort.slice(0, hostPort.lastIndexOf(':')), hostPort.slice(hostPort.lastIndexOf(':') + 1)];
  return new Promise((resolve, reject) => {
    const child = spawn(process.env.PYTHON ?? '/usr/bin/python3', [path.join(here, script)], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', data => { out += data; });
    child.stderr.on('data', data => { err += data; });
    child.on('error', reject);
    child.on('close', code => code === 0 ? resolve(out.trim()) : reject(new Error(`${script} exited ${code}: ${err}`)));
    child.stdin.end(JSON.stringify({ host, port, ...spec }));
  });
}
