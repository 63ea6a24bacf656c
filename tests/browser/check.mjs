// What the browser scripts share: axe-core (WCAG 2.1 A and AA) on each page, a check
// that the page fits the window, a full-page screenshot, Tab-key reachability, and the
// list of what was checked and what failed.
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const axeSource = require.resolve('axe-core/axe.min.js');

export function checker(shots) {
  mkdirSync(shots, { recursive: true });
  const problems = [];
  const checked = [];
  const fail = (message) => {
    problems.push(message);
    console.error(`FAIL ${message}`);
  };
  // axe-core, injected past attest's CSP (the context bypasses it for the test only).
  const audit = async (page, name) => {
    await page.addScriptTag({ path: axeSource });
    const result = await page.evaluate(async () =>
      // eslint-disable-next-line no-undef
      axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }),
    );
    for (const violation of result.violations) {
      const where = violation.nodes.map((node) => node.target.join(' ')).slice(0, 3).join('; ');
      fail(`${name}: ${violation.id} (${violation.impact}): ${violation.help} at ${where}`);
    }
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (overflow > 1) fail(`${name}: ${overflow}px wider than the window`);
    await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
    checked.push(`${name} (${result.passes.length} axe rules passed, ${result.violations.length} violated)`);
  };
  // Tab from the top of the page until `selector` has focus: the form works without a mouse.
  const reachable = async (page, selector, name) => {
    await page.locator('body').focus();
    for (let presses = 0; presses < 200; presses += 1) {
      await page.keyboard.press('Tab');
      if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    }
    fail(`${name}: ${selector} cannot be reached with the Tab key`);
  };
  const expectText = async (page, text, name) => {
    const body = await page.textContent('body');
    if (!body.includes(text)) fail(`${name}: "${text}" is not on the page`);
  };
  const finish = () => {
    console.log(JSON.stringify({ checked, problems }));
    process.exit(problems.length === 0 ? 0 : 1);
  };
  return { audit, reachable, expectText, fail, finish, checked };
}

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox'],
  });
}

// Signs `account` in through the OpenID test provider in a new browser context; the
// front door sends each person to their start page.
export async function signIn(browser, base, account, viewport) {
  const context = await browser.newContext({ bypassCSP: true, viewport });
  const page = await context.newPage();
  await page.goto(`${base}/auth/alpha/oidc/login`);
  await page.fill('input[name=login]', account);
  await page.fill('input[name=password]', 'any password');
  await page.click('button[type=submit]');
  await page.click('button[type=submit]');
  await page.waitForURL((url) => /^\/(me|schools\/|breaches|trust)/.test(url.pathname));
  return page;
}
