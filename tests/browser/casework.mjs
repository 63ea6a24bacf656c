// The DPO works the casework pages in a real browser: the request register, logging a
// subject access request, stopping its clock for identity, the request page, the term
// calendar, and the records of processing and suppliers. Run by
// tests/e2e/browser_casework.rs, which sets ATTEST_URL, SESSION, SCREENSHOTS and CHROMIUM.
// Each page is checked with axe-core, reached with the keyboard and laid out for a phone.
import { checker, launch } from './check.mjs';

const base = process.env.ATTEST_URL;
const { audit, reachable, expectText, fail, finish } = checker(process.env.SCREENSHOTS);
const phone = { width: 390, height: 844 };

async function submit(page, selector) {
  await Promise.all([page.waitForNavigation({ timeout: 5000 }), page.click(selector)]);
}

const browser = await launch();
try {
  const context = await browser.newContext({ bypassCSP: true, viewport: phone });
  await context.addCookies([{ name: 'attest_session', value: process.env.SESSION, url: base }]);
  const dpo = await context.newPage();

  await dpo.goto(`${base}/requests`);
  await expectText(dpo, 'FOI-2026-001', 'requests');
  await expectText(dpo, 'working days', 'requests');
  await reachable(dpo, 'form[action="/requests"] button[type=submit]', 'requests');
  await audit(dpo, 'requests');

  await dpo.selectOption('#new_kind', 'subject_access');
  await dpo.fill('#received_on', '2026-11-20');
  await dpo.fill('#requester_name', 'Pat Parent');
  await dpo.fill('#requester_contact', 'pat@example.org');
  await dpo.selectOption('#relationship', 'parent_or_carer');
  await dpo.fill('#about', 'Their child in Year 5');
  await dpo.fill('#description', 'Everything held about my child this year');
  await submit(dpo, 'form[action="/requests"] button[type=submit]');
  await expectText(dpo, 'SAR-2026-002', 'request');
  await expectText(dpo, 'Mon 21 Dec 2026', 'request');
  await dpo.fill('#stop_note', 'photo ID');
  await submit(dpo, 'form[action$="/stop"] button[type=submit]');
  await expectText(dpo, 'the clock is stopped', 'request-paused');
  await audit(dpo, 'request-paused');

  await dpo.goto(`${base}/calendar`);
  await expectText(dpo, 'Spring 2027', 'calendar');
  await audit(dpo, 'calendar');

  await dpo.goto(`${base}/records`);
  await expectText(dpo, 'Arbor Education', 'records');
  await expectText(dpo, 'no data processing agreement recorded', 'records');
  await audit(dpo, 'records');
} catch (error) {
  fail(`casework stopped: ${error.message}`);
} finally {
  await browser.close();
}
finish();
