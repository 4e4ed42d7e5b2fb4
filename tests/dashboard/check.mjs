// Opens an agentgate fleet dashboard in headless Chromium and checks it:
// no console errors or page errors, no network requests, every repository of the embedded
// report shown as a table row, sorting and filtering work, the print layout hides the
// controls. Saves a screenshot.
//
// usage: node check.mjs DASHBOARD.html SCREENSHOT.png
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [html, shot] = process.argv.slice(2);
if (!html || !shot) {
  console.error('usage: node check.mjs DASHBOARD.html SCREENSHOT.png');
  process.exit(2);
}

const problems = [];
const userDataDir = mkdtempSync(join(tmpdir(), 'agentgate-chromium-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ],
  viewport: { width: 1280, height: 800 },
});
try {
  const page = context.pages()[0] || (await context.newPage());
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) problems.push(`network request: ${r.url()}`);
  });
  await page.goto(pathToFileURL(resolve(html)).href, { waitUntil: 'load' });

  const result = await page.evaluate(() => {
    const data = JSON.parse(document.getElementById('fleet-data').textContent);
    const rows = [...document.querySelectorAll('#repos tbody tr')];
    const shown = rows.filter((r) => !r.hidden && r.offsetParent !== null).map((r) => r.dataset.name);
    return { names: data.repos.map((r) => r.name), shown };
  });
  for (const name of result.names) {
    if (!result.shown.includes(name)) problems.push(`repository not shown: ${name}`);
  }
  if (result.shown.length !== result.names.length) {
    problems.push(`rows ${result.shown.length} != repositories ${result.names.length}`);
  }

  // Sorting: Grade ascending puts the failed scan (-1) first, then by score.
  await page.click('#repos thead th:nth-child(2)');
  const scores = await page.$$eval('#repos tbody tr td:nth-child(2)', (tds) => tds.map((td) => Number(td.dataset.v)));
  const sorted = [...scores].sort((a, b) => a - b);
  if (JSON.stringify(scores) !== JSON.stringify(sorted)) problems.push(`grade sort: ${scores}`);
  await page.click('#repos thead th:nth-child(2)');
  const desc = await page.$$eval('#repos tbody tr td:nth-child(2)', (tds) => tds.map((td) => Number(td.dataset.v)));
  if (JSON.stringify(desc) !== JSON.stringify([...sorted].reverse())) problems.push(`grade sort desc: ${desc}`);

  // Filtering: by text, then by grade.
  const visible = () => page.$$eval('#repos tbody tr', (trs) => trs.filter((t) => !t.hidden).map((t) => t.dataset.name));
  const first = result.names[0];
  await page.fill('#q', first);
  const byText = await visible();
  if (!byText.includes(first) || byText.length >= result.names.length) problems.push(`text filter: ${byText}`);
  await page.fill('#q', '');
  await page.selectOption('#grade', 'failed');
  const failed = await page.$$eval('#repos tbody tr', (trs) => trs.filter((t) => !t.hidden).length);
  const expectFailed = await page.evaluate(() => JSON.parse(document.getElementById('fleet-data').textContent).summary.failed);
  if (failed !== expectFailed) problems.push(`grade filter failed: ${failed} rows, expected ${expectFailed}`);
  await page.selectOption('#grade', '');
  if ((await visible()).length !== result.names.length) problems.push('clearing the filters does not show every row');

  // Print layout: controls hidden, table still there.
  await page.emulateMedia({ media: 'print' });
  const printControls = await page.$eval('.controls', (e) => getComputedStyle(e).display);
  if (printControls !== 'none') problems.push(`print: controls display ${printControls}`);
  // Per-rule detail is printed too (not only in hover titles).
  const printRules = await page.$$eval('#repos .rules', (els) => els.filter((e) => getComputedStyle(e).display !== 'none').length);
  const ruleCells = await page.$$eval('#repos .rules', (els) => els.length);
  if (printRules !== ruleCells) problems.push(`print: ${ruleCells - printRules} rule lists hidden`);
  await page.emulateMedia({ media: 'screen' });

  // Per-rule detail visible without hovering: every repository with findings lists its rules.
  const ruleCheck = await page.evaluate(() => {
    const data = JSON.parse(document.getElementById('fleet-data').textContent);
    const bad = [];
    for (const r of data.repos) {
      const codes = Object.keys((r.findings || {}).by_rule || {});
      if (!codes.length) continue;
      const row = document.querySelector(`#repos tbody tr[data-name="${CSS.escape(r.name)}"]`);
      const text = row ? (row.querySelector('.rules') || {}).innerText || '' : '';
      for (const c of codes) if (!text.includes(c)) bad.push(`${r.name}: ${c} not visible`);
    }
    return bad;
  });
  problems.push(...ruleCheck);

  // Dashboard v2 with usage: the usage charts and the team view are there and drawn.
  const usage = await page.evaluate(() => {
    const data = JSON.parse(document.getElementById('fleet-data').textContent);
    if (!data.usage) return null;
    const drawn = (sel) => { const e = document.querySelector(sel); return !!e && e.getBoundingClientRect().height > 0; };
    return {
      sections: ['#model-mix', '#cache-distribution', '#anomalies', '#teams', '#trend'].filter((s) => !drawn(s)),
      bars: document.querySelectorAll('#model-mix .bar-row').length,
      teams: document.querySelectorAll('#teams tbody tr').length,
    };
  });
  if (usage) {
    if (usage.sections.length) problems.push(`usage sections missing: ${usage.sections}`);
    if (!usage.bars) problems.push('model mix has no bars');
    console.log(`usage sections ok, teams: ${usage.teams}`);
  }

  await page.screenshot({ path: shot, fullPage: true });
  console.log(`repositories shown: ${result.shown.length}`);
} finally {
  await context.close();
  rmSync(userDataDir, { recursive: true, force: true });
}
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log('dashboard ok');
