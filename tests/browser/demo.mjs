// `attest demo` walked through in a real browser, as its banner tells a new user to:
// each printed sign-in link is opened, confirmed, and lands on that person's start
// page; from there every link on every page is followed (three steps deep), each page must
// answer 200, and the first page of each kind is checked with axe-core and saved as a
// screenshot. Run by crates/attest-server/tests/demo_walkthrough.rs, which sets:
//   ATTEST_URL   where the demo listens      LINKS  JSON [{part, url}] from the banner
//   SCREENSHOTS  where to save the PNGs      CHROMIUM  the browser
import { checker, launch } from './check.mjs';

const base = process.env.ATTEST_URL;
const links = JSON.parse(process.env.LINKS);
const { audit, fail, finish, checked } = checker(process.env.SCREENSHOTS);

// The kind of page a path is, for the report and the screenshot's name.
function kindOf(path) {
  const rules = [
    [/^\/$/, 'front'],
    [/^\/trust$/, 'trust'],
    [/^\/schools\/[^/]+\/paper/, 'paper'],
    [/^\/schools\/[^/]+/, 'school'],
    [/^\/me\/sign\//, 'sign'],
    [/^\/me$/, 'me'],
    [/^\/breaches\/new$/, 'report'],
    [/^\/breaches\/[0-9a-f-]{36}$/, 'breach'],
    [/^\/breaches\/[0-9a-f-]{36}\/ico-pack$/, 'ico-pack'],
    [/^\/breaches$/, 'breaches'],
    [/^\/receipts\/[^.]+$/, 'receipt'],
    [/^\/reviews\/[0-9a-f-]{36}$/, 'review'],
    [/^\/reviews$/, 'reviews'],
  ];
  const found = rules.find(([pattern]) => pattern.test(path));
  return found ? found[1] : null;
}

const seenKinds = new Map();
const visited = new Set();

async function visit(page, path, who) {
  if (visited.has(`${who} ${path}`)) return [];
  visited.add(`${who} ${path}`);
  const response = await page.goto(`${base}${path}`);
  if (!response || response.status() !== 200) {
    fail(`${who}: ${path} answered ${response ? response.status() : 'nothing'}`);
    return [];
  }
  const kind = kindOf(new URL(page.url()).pathname);
  if (kind && !seenKinds.has(kind)) {
    seenKinds.set(kind, `${who} ${path}`);
    await audit(page, kind);
  }
  return page.evaluate(() =>
    [...document.querySelectorAll('a[href^="/"]')]
      .map((a) => a.getAttribute('href'))
      .filter((href) => !/^\/(exports|auth)\//.test(href) && !href.endsWith('.txt') && !href.endsWith('.csv') && !href.includes('format=')),
  );
}

const browser = await launch();
try {
  // Signed out: the front door offers email sign-in; asking shows the same page for anyone.
  const visitor = await (await browser.newContext({ bypassCSP: true })).newPage();
  await visit(visitor, '/', 'visitor');
  await visitor.fill('#email', 'someone@example.org');
  await Promise.all([visitor.waitForNavigation(), visitor.click('form button[type=submit]')]);
  await audit(visitor, 'email-sent');

  for (const { part, url } of links) {
    const phone = part.startsWith('member of staff');
    const context = await browser.newContext({
      bypassCSP: true,
      viewport: phone ? { width: 390, height: 844 } : { width: 1280, height: 900 },
    });
    const page = await context.newPage();
    await page.goto(url);
    if (!seenKinds.has('email-link')) {
      seenKinds.set('email-link', part);
      await audit(page, 'email-link');
    }
    await Promise.all([page.waitForNavigation(), page.click('form button[type=submit]')]);
    const start = new URL(page.url()).pathname;
    checked.push(`${part}: signed in, started at ${start}`);
    let frontier = [start];
    for (let depth = 0; depth < 3; depth += 1) {
      const next = [];
      for (const path of frontier) next.push(...(await visit(page, path, part)));
      frontier = [...new Set(next)];
    }
    if (part === 'DPO') {
      // Every state of the desk's breaches, with the DPO's forms for each, checked too.
      await page.goto(`${base}/breaches`);
      const breaches = await page.evaluate(() =>
        [...document.querySelectorAll('main a[href^="/breaches/"]')].map((a) => a.getAttribute('href')),
      );
      for (const href of breaches.filter((h) => /[0-9a-f-]{36}$/.test(h))) {
        await page.goto(`${base}${href}`);
        const state = (await page.textContent('main h1')).split(':').pop().trim().replace(/ /g, '-');
        if (!seenKinds.has(`breach-${state}`)) {
          seenKinds.set(`breach-${state}`, href);
          await audit(page, `breach-${state}`);
        }
      }
      await page.goto(`${base}/breaches?status=triaged&q=laptop`);
      await audit(page, 'breaches-filtered');
    }
    if (part.startsWith('governor')) {
      // The chair of governors approves the AUP waiting for them, as minuted.
      await page.goto(`${base}/reviews`);
      await page.click('main a[href^="/reviews/"]');
      await page.fill('#meeting', 'Local governing body, autumn term');
      await page.fill('#minute', '4.1');
      await Promise.all([page.waitForNavigation(), page.click('form[action$="/approve"] button[type=submit]')]);
      if (!(await page.textContent('main')).includes('Chair of governors approved')) fail('the approval did not show on the review');
      await audit(page, 'review-approved');
    }
    if (phone) {
      // The member of staff signs what they owe, and gets a receipt.
      await page.goto(`${base}/me`);
      const name = (await page.textContent('main h1')).trim();
      await page.click('main a[href^="/me/sign/"]');
      for (const group of await page.locator('fieldset').all()) {
        const radio = group.locator('input[type=radio]').first();
        if (await radio.count()) await radio.check();
        const text = group.locator('input[type=text]');
        if (await text.count()) await text.fill('yes');
      }
      await page.fill('#typed_name', name);
      await page.click('button[value=sign]');
      await page.waitForSelector('text=you have signed');
      await audit(page, 'signed');
      await page.goto(`${base}/me`);
      const receipt = await page.getAttribute('main a[href^="/receipts/"]', 'href');
      if (receipt) await visit(page, receipt, part);
      else fail('My policies links to no receipt after signing');
    }
    await context.close();
  }
  const every = ['front', 'email-link', 'trust', 'school', 'paper', 'me', 'sign', 'breaches', 'breach', 'report', 'receipt',
    'breach-reported', 'breach-triaged', 'breach-subjects-notified', 'breach-closed-not-a-breach', 'ico-pack',
    'reviews', 'review'];
  for (const kind of every) {
    if (!seenKinds.has(kind)) fail(`no sign-in link led to a ${kind} page`);
  }
  checked.push(`pages visited: ${visited.size}`);
} catch (error) {
  fail(`walkthrough stopped: ${error.message}`);
} finally {
  await browser.close();
}
finish();
