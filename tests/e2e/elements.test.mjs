// `<vitrine-quiz>` on its own, in the demo page (strict CSP): answered with the keyboard only,
// ARIA roles and labels present, themed through its CSS custom properties, catalogue text that
// looks like markup shown as text, sensitive products never asked, `vitrine-quiz-complete`
// dispatched with every answer. Fails on any console error, page error or failed request.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { watchedPage, serveAndBrowse } from './harness.mjs';

let server;
let browser;

serveAndBrowse((s, b) => {
  server = s;
  browser = b;
});

const HOSTILE = '<img src="/planted.png" onerror="window.__planted = 1">';

/** A small catalogue sample: markup-like names, one sensitive product, varied attributes. */
function bank() {
  const colours = ['Black', 'Red', 'Blue', 'White'];
  const types = ['Dress', 'Top', 'Trousers'];
  const products = Array.from({ length: 12 }, (_, i) => ({
    id: `q${i}`,
    name: `${HOSTILE} Item ${i}`,
    attributes: { productType: types[i % types.length], colour: colours[i % colours.length], pattern: i % 2 ? 'Solid' : 'Striped' },
    price: 10 + i * 7,
  }));
  products.push({ id: 'sensitive-1', name: 'Maternity dress', attributes: { productType: 'Dress', colour: 'Red' }, price: 40 });
  return products;
}

/** State of the quiz element's shadow tree, read in the page. */
const readQuiz = (page) => page.evaluate(() => {
  const quiz = document.querySelector('#element-under-test');
  const root = quiz.shadowRoot;
  const box = root.querySelector('section');
  const group = root.querySelector('[role="group"]');
  const like = root.querySelector('button[data-answer="like"]');
  return {
    state: quiz.dataset.state ?? null,
    text: root.textContent,
    labelledBy: box?.getAttribute('aria-labelledby') ?? null,
    labelTarget: box ? root.getElementById(box.getAttribute('aria-labelledby'))?.textContent ?? null : null,
    live: box?.getAttribute('aria-live') ?? null,
    groupLabel: group?.getAttribute('aria-label') ?? null,
    progressLabel: root.querySelector('progress')?.getAttribute('aria-label') ?? null,
    progress: root.querySelector('progress') ? Number(root.querySelector('progress').value) : null,
    focused: root.activeElement?.dataset?.answer ?? root.activeElement?.textContent ?? null,
    buttonsAreButtons: [...root.querySelectorAll('button')].every((b) => b.type === 'button'),
    accent: like ? getComputedStyle(like).backgroundColor : null,
    markup: root.querySelectorAll('img, script, b').length,
    planted: window.__planted ?? null,
  };
});

test('<vitrine-quiz> works from the keyboard, is labelled, themable and escapes catalogue text', async () => {
  const context = await browser.newContext();
  const { page, problems } = await watchedPage(context);
  await page.goto(server.url);
  await page.waitForSelector('body[data-ready="true"]');
  await page.click('#consent-personal');
  await page.waitForFunction(() => /saved in this browser/.test(document.querySelector('#status')?.textContent ?? ''));

  await page.evaluate((products) => {
    window.completed = [];
    document.addEventListener('vitrine-quiz-complete', (e) => window.completed.push(e.detail));
    const quiz = document.createElement('vitrine-quiz');
    quiz.id = 'element-under-test';
    quiz.style.setProperty('--vitrine-quiz-accent', 'rgb(1, 2, 3)');
    quiz.bank = products;
    document.body.append(quiz);
  }, bank());
  await page.waitForFunction(() => document.querySelector('#element-under-test')?.shadowRoot?.querySelector('button[data-answer]'));

  const first = await readQuiz(page);
  assert.equal(first.labelledBy, 'title');
  assert.equal(first.labelTarget, 'Would you wear this?');
  assert.equal(first.live, 'polite');
  assert.equal(first.groupLabel, 'Your answer');
  assert.match(first.progressLabel, /^Question 1 of at most \d+$/);
  assert.equal(first.focused, 'like', 'the first answer button has the focus');
  assert.ok(first.buttonsAreButtons, 'every control is a real <button type=button>');
  assert.equal(first.accent, 'rgb(1, 2, 3)', '--vitrine-quiz-accent themes the primary button');
  assert.equal(first.progress, 0);

  // Keyboard only: the L / D / S shortcuts, and Tab + Enter on the focused buttons.
  const asked = [];
  const keys = ['l', 'd', 's', 'Tab+Enter'];
  for (let i = 0; i < 36; i += 1) {
    const now = await readQuiz(page);
    if (now.state === 'complete') break;
    asked.push(now.text);
    const key = keys[i % keys.length];
    if (key === 'Tab+Enter') {
      await page.keyboard.press('Tab'); // like → dislike
      await page.keyboard.press('Enter');
    } else {
      await page.keyboard.press(key);
    }
    await page.waitForFunction(
      (n) => {
        const root = document.querySelector('#element-under-test').shadowRoot;
        return document.querySelector('#element-under-test').dataset.state === 'complete'
          || Number(root.querySelector('progress')?.value) >= n;
      },
      i + 1,
    );
  }
  await page.waitForFunction(() => window.completed.length === 1);
  const done = await readQuiz(page);
  const result = await page.evaluate(() => window.completed[0]);
  assert.equal(done.state, 'complete');
  assert.ok(asked.length >= 6, `asked ${asked.length} questions before stopping`);
  assert.equal(result.answers.length, asked.length, 'every keyboard answer was recorded');
  const byKey = result.answers.map((a) => a.answer);
  assert.deepEqual(byKey.slice(0, 4), ['like', 'dislike', 'skip', 'dislike'], `answers follow the keys: ${byKey}`);

  // Markup in catalogue text is shown as text; the sensitive product is never asked.
  assert.ok(asked.every((t) => t.includes(HOSTILE)), 'the markup-like names are shown verbatim');
  assert.equal(done.markup, 0, 'no element was created from catalogue text');
  assert.equal(done.planted, null, 'no planted handler ran');
  assert.ok(asked.every((t) => !/maternity/i.test(t)), 'the sensitive product was never asked');
  assert.ok(result.preferences.every((p) => !/maternity/i.test(p.value)));
  assert.deepEqual(problems(), []);
  await context.close();
});
