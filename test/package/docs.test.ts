// dist/docs/: the Markdown page of each rule, and index.html in headless Chromium (the
// system's /usr/bin/chromium driven by playwright-core): it loads with no console error and no
// request beyond itself, the filters show the right rules, and each copy button puts the exact
// query text on the clipboard.
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { render, TARGETS } from '../../generators/targets/index.ts';
import { tuningMacro } from '../../generators/targets/spl.ts';
import { bundled, file } from './support.ts';

const CHROMIUM = '/usr/bin/chromium';
const { catalog } = bundled();
const rules = catalog.rules;
const spray = rules.find((r) => r.document.name === 'pop-imap-password-spray')!;
const inventory = rules.find((r) => r.document.name === 'legacy-auth-inventory')!;
const names = (rs: typeof rules) => rs.map((r) => r.document.name).sort();

describe('rule pages (Markdown)', () => {
  for (const rule of rules) {
    it(`${rule.document.name}: what it finds, why it matters, how to triage, each target's query`, () => {
      const page = file(`docs/${rule.document.name}.md`);
      expect(page).toContain(`# ${rule.document.title}\n`);
      for (const heading of ['## What it finds', '## Why it matters', '## How to triage', '## Where it ships', '## Queries']) expect(page).toContain(`\n${heading}\n`);
      expect(page).toContain(rule.document.description.trim());
      expect(page).toContain('July 2026');
      for (const fp of rule.document.falsepositives ?? []) expect(page).toContain(`- ${fp}`);
      for (const column of rule.query.columns) expect(page).toContain(`| \`${column.name}\``);
      expect(page).toContain(tuningMacro(rule.document.name));
      for (const [target, language] of [['splunk', 'spl'], ['defender', 'kusto'], ['sentinel', 'kusto']] as const) {
        expect(page).toContain(`\`\`\`${language}\n${render(rule.query, target).text}\n\`\`\``);
      }
    });
  }
});

// The browser test needs Chromium from the system (apt-get install -y chromium).
// DETC_SKIP_BROWSER=1 skips it on a machine without one; CI installs it.
const skip = process.env.DETC_SKIP_BROWSER === '1';

describe.skipIf(skip)('index.html in Chromium', () => {
  let server: Server;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let origin: string;
  const consoleErrors: string[] = [];
  const requests: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install it (apt-get install -y chromium), or set DETC_SKIP_BROWSER=1 to skip this test`);
    const html = file('docs/index.html');
    server = createServer((req, res) => {
      if (req.url === '/' || req.url === '/index.html') {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
        res.end(html);
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    context = await browser.newContext();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
    page = await context.newPage();
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') consoleErrors.push(`${m.type()}: ${m.text()}`); });
    page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`${origin}/index.html`, { waitUntil: 'load' });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  const visible = () => page.$$eval('article.rule', (els) => els.filter((e) => !(e as unknown as { hidden: boolean }).hidden).map((e) => e.id.replace(/^rule-/, '')));
  const reset = async () => {
    await page.fill('#filter-text', '');
    for (const id of ['#filter-attack', '#filter-severity', '#filter-logsource']) await page.selectOption(id, '');
  };

  it('loads with no console error and asks for nothing but itself', async () => {
    expect(await page.title()).toBe('detc rules');
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([`${origin}/index.html`]);
    expect((await visible()).sort()).toEqual(rules.map((r) => r.document.name).sort());
    expect(await page.textContent('#shown')).toBe(`${rules.length} of ${rules.length} rules`);
  });

  it('filters by ATT&CK technique (a technique also matches its sub-techniques)', async () => {
    await reset();
    for (const id of ['T1110.003', 'T1078', 'T1110']) {
      await page.selectOption('#filter-attack', id);
      const expected = names(rules.filter((r) => r.document.attack.some((a) => a === id || a.startsWith(`${id}.`))));
      expect(expected.length, id).toBeGreaterThan(0);
      expect((await visible()).sort(), id).toEqual(expected);
      expect(await page.textContent('#shown')).toBe(`${expected.length} of ${rules.length} rules`);
    }
    expect(await visible()).toContain(spray.document.name);
    expect(await visible()).toContain(inventory.document.name);
  });

  it('filters by severity, log source and text, together', async () => {
    await reset();
    for (const severity of ['informational', 'medium']) {
      await page.selectOption('#filter-severity', severity);
      expect((await visible()).sort(), severity).toEqual(names(rules.filter((r) => r.document.severity === severity)));
    }
    await page.selectOption('#filter-logsource', 'entra_signin');
    expect((await visible()).sort()).toEqual(names(rules.filter((r) => r.document.severity === 'medium' && r.document.logsource === 'entra_signin')));
    expect(await visible()).toContain(spray.document.name);
    await reset();
    await page.fill('#filter-text', 'migration backlog');
    expect(await visible()).toContain(inventory.document.name);
    expect((await visible()).sort()).toEqual(names(rules.filter((r) => /migration/i.test(r.document.description + r.document.title) && /backlog/i.test(r.document.description + r.document.title))));
    await page.fill('#filter-text', 'no rule says this');
    expect(await visible()).toEqual([]);
    expect(await page.isVisible('#none')).toBe(true);
    await reset();
    expect(await visible()).toHaveLength(rules.length);
  });

  it('each copy button puts the exact query on the clipboard', async () => {
    await reset();
    for (const rule of [spray, inventory]) {
      for (const target of TARGETS) {
        const expected = render(rule.query, target).text;
        const button = page.locator(`button.copy[data-copy="q-${rule.document.name}-${target}"]`);
        await button.click();
        await expect.poll(() => button.textContent()).toBe('Copied');
        const clipboard = await page.evaluate(() => (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText());
        expect(clipboard, `${rule.document.name} ${target}`).toBe(expected);
      }
    }
    expect(consoleErrors).toEqual([]);
  });
});
