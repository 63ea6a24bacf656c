// attest's pages in a real browser (headless Chromium, Debian's package), driven by
// playwright-core. Run by tests/e2e/browser.rs, which starts attest and the OpenID test
// provider and sets the environment:
//   ATTEST_URL     where attest listens        SCHOOL_ID  the staff member's school
//   SCREENSHOTS    where to save the PNGs       CHROMIUM   the browser (default /usr/bin/chromium)
// A member of staff signs in through the provider, signs the policy and reports a
// breach; her school admin sees the signature on the dashboard; the DPO sees the breach
// on the desk. Every page is checked with axe-core (WCAG 2 A and AA), reached by
// keyboard where it has a form, and laid out for a phone.
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const axeSource = require.resolve('axe-core/axe.min.js');
const base = process.env.ATTEST_URL;
const school = process.env.SCHOOL_ID;
const shots = process.env.SCREENSHOTS;
mkdirSync(shots, { recursive: true });

const problems = [];
const checked = [];

function fail(message) {
  problems.push(message);
  console.error(`FAIL ${message}`);
}

// axe-core, injected past attest's CSP (the context bypasses it for the test only).
async function audit(page, name) {
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
}

// Tab from the top of the page until `selector` has focus: the form works without a mouse.
async function reachable(page, selector, name) {
  await page.locator('body').focus();
  for (let presses = 0; presses < 80; presses += 1) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
  }
  fail(`${name}: ${selector} cannot be reached with the Tab key`);
}

async function signIn(browser, account, viewport) {
  const context = await browser.newContext({ bypassCSP: true, viewport });
  const page = await context.newPage();
  await page.goto(`${base}/auth/alpha/oidc/login`);
  await page.fill('input[name=login]', account);
  await page.fill('input[name=password]', 'any password');
  await page.click('button[type=submit]');
  await page.click('button[type=submit]');
  await page.waitForURL(`${base}/me`);
  return page;
}

async function expectText(page, text, name) {
  const body = await page.textContent('body');
  if (!body.includes(text)) fail(`${name}: "${text}" is not on the page`);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox'],
});
try {
  // A member of staff, on a phone.
  const ann = await signIn(browser, 'ann', { width: 390, height: 844 });
  await expectText(ann, 'Ann Alpha', 'me');
  await audit(ann, 'me');
  await ann.click('main a[href^="/me/sign/"]');
  await ann.waitForSelector('#typed_name');
  await reachable(ann, 'button[value=sign]', 'sign');
  await audit(ann, 'sign');
  for (const group of await ann.locator('fieldset').all()) {
    const radio = group.locator('input[type=radio]').first();
    if (await radio.count()) await radio.check();
    const text = group.locator('input[type=text]');
    if (await text.count()) await text.fill('yes');
  }
  await ann.fill('#typed_name', 'Ann Alpha');
  await ann.click('button[value=sign]');
  await ann.waitForSelector('text=you have signed');
  await audit(ann, 'signed');

  await ann.goto(`${base}/breaches/new`);
  await reachable(ann, 'form button[type=submit]', 'report');
  await ann.fill('#what_happened', 'A printed class list was left on the bus.');
  await ann.fill('#how_discovered', 'The driver rang the school office.');
  for (const name of ['cyber_incident', 'staff_involved', 'recovered_or_contained']) {
    await ann.check(`input[name=${name}][value=no]`);
  }
  await ann.check('input[name=data][value=basic_identifiers]');
  await ann.check('input[name=people][value=pupils]');
  await ann.fill('#people_affected', '30');
  await audit(ann, 'report');
  const invalid = await ann.evaluate(() =>
    [...document.querySelectorAll('form :invalid')].map((field) => `${field.name}: ${field.validationMessage}`),
  );
  if (invalid.length) throw new Error(`the report form refuses: ${invalid.join('; ')}`);
  // Fill it again on a fresh load: after axe's injected script and a full-page
  // screenshot, Chromium's hit-testing sends the click to the form, not the button.
  await ann.reload();
  await ann.fill('#what_happened', 'A printed class list was left on the bus.');
  await ann.fill('#how_discovered', 'The driver rang the school office.');
  for (const name of ['cyber_incident', 'staff_involved', 'recovered_or_contained']) {
    await ann.check(`input[name=${name}][value=no]`);
  }
  await ann.check('input[name=data][value=basic_identifiers]');
  await ann.check('input[name=people][value=pupils]');
  await Promise.all([ann.waitForNavigation({ timeout: 5000 }), ann.click('form button[type=submit]')]);
  const refused = ann.locator('.error');
  if (await refused.count()) throw new Error(`the report was refused: ${await refused.textContent()}`);
  if (!/\/breaches\/[0-9a-f-]{36}$/.test(ann.url())) throw new Error(`the report went to ${ann.url()}`);
  await expectText(ann, 'A printed class list was left on the bus.', 'reported');
  const reference = (await ann.textContent('h1')).split(':')[0].trim();
  await audit(ann, 'reported');

  // Her school admin, at a desk.
  const sam = await signIn(browser, 'sam', { width: 1280, height: 900 });
  await sam.goto(`${base}/schools/${school}?status=compliant`);
  await expectText(sam, 'Ann Alpha', 'school');
  await reachable(sam, '.filters button', 'school');
  await audit(sam, 'school');

  // The DPO.
  const dee = await signIn(browser, 'dee', { width: 1280, height: 900 });
  await dee.goto(`${base}/breaches`);
  await expectText(dee, reference, 'breaches');
  await audit(dee, 'breaches');
  await dee.click(`text=${reference}`);
  await expectText(dee, 'Timeline', 'breach');
  await audit(dee, 'breach');
  await dee.goto(`${base}/trust`);
  await audit(dee, 'trust');
} catch (error) {
  fail(`walkthrough stopped: ${error.message}`);
} finally {
  await browser.close();
}
console.log(JSON.stringify({ checked, problems }));
process.exit(problems.length === 0 ? 0 : 1);
