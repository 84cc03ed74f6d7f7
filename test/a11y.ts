import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

/**
 * Accessibility and privacy checks run in a Chromium page (playwright-core): axe-core's rules, the
 * focus as the keyboard moves it, and the people a page names. Used by test/web-a11y.e2e.test.ts.
 */
// The browser's globals, for the functions that run in the page (the tests compile without the DOM library).
declare const document: any;
declare const window: any;
declare function getComputedStyle(element: unknown): { outlineStyle: string; outlineWidth: string; boxShadow: string; visibility: string };

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
// WCAG 2.0 and 2.1, levels A and AA; and Deque's best practices, for the page's structure (landmarks, headings).
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];
/** Structure rules that fail at any impact (they are "moderate"): landmarks named apart, one h1, headings in order, content in landmarks. */
const STRUCTURE = /^(landmark-.*|heading-order|page-has-heading-one|region)$/;

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/** axe's rules on the page as it is: the serious and critical violations, and the structure rules', one line each. */
export async function axe(page: Page, where: string): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(
    (tags) =>
      (window.axe as { run(context: unknown, options: unknown): Promise<{ violations: AxeViolation[] }> })
        .run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] })
        .then((r) => r.violations),
    TAGS,
  );
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical' || STRUCTURE.test(v.id))
    .map((v) => `${where}: ${v.id} (${v.impact}) at ${v.nodes.map((n) => n.target.join(' ')).join(', ')} — ${v.help} (${v.helpUrl})`);
}

/**
 * Owners named on a page: ids and roll names (O<n>, "Owner <n>", "Buyer <n>") in its text (shown
 * or folded away) and in what a screen reader reads instead (aria-label, title, alt), less
 * `allowedPeople` (the owner's own, and whoever is public there).
 */
export async function othersNamed(page: Page, allowedPeople: { personId: string; name: string }[]): Promise<string[]> {
  const text = await page.evaluate(() => {
    const spoken = [...document.querySelectorAll('[aria-label],[title],[alt]')].flatMap((el: any) => ['aria-label', 'title', 'alt'].map((a) => el.getAttribute(a) ?? ''));
    // Every text node, one a line: also what a closed <details> or an SVG <title> holds, a tap away.
    const walker = document.createTreeWalker(document.body, 4 /* NodeFilter.SHOW_TEXT */);
    const texts: string[] = [];
    while (walker.nextNode()) texts.push(walker.currentNode.nodeValue ?? '');
    return [...texts, ...spoken].join('\n');
  });
  const allowed = new Set(allowedPeople.flatMap((p) => [p.personId, p.name]));
  const named = [...text.matchAll(/\b(?:O\d+|(?:Owner|Buyer) \d+)\b/g)].map((m) => m[0]).filter((x) => !allowed.has(x));
  return [...new Set(named)];
}

/** What has the focus: its description, and whether its focus is drawn (`:focus-visible` with an outline or a shadow). */
export const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return { what: 'body', shown: false, probe: null as string | null };
    const style = getComputedStyle(el);
    const drawn = (style.outlineStyle !== 'none' && Number.parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none';
    return { what: el.outerHTML.slice(0, 100), shown: el.matches(':focus-visible') && drawn, probe: el.getAttribute('data-tab-probe') };
  });

/** Press `key` (Tab or Shift+Tab) until `selector` has the focus; every element passed on the way must show its focus. */
export async function tabTo(page: Page, selector: string, unseen: string[], key: 'Tab' | 'Shift+Tab' = 'Tab'): Promise<void> {
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press(key);
    const now = await focused(page);
    if (now.what !== 'body' && !now.shown) unseen.push(now.what);
    if (await page.evaluate((s) => !!document.activeElement?.matches(s), selector)) return;
  }
  throw new Error(`${key} never reached ${selector}`);
}

/** The page's heading, with `text`, gets the focus (after a route change); if not, says what has it. */
export async function headingFocused(page: Page, text: string): Promise<true> {
  const onHeading = (t: string) => document.activeElement?.matches('main h1') && document.activeElement.textContent?.includes(t);
  await page.waitForFunction(onHeading, text, { timeout: 10_000 }).catch(async () => {
    throw new Error(`the focus is on ${(await focused(page)).what}, not on the heading “${text}”`);
  });
  return true;
}

/**
 * Marks the page's tab stops (visible, enabled, tabindex ≥ 0; one radio per group, as the browser
 * stops once in a group) with data-tab-probe and returns how many there are.
 */
export const markTabStops = (page: Page) =>
  page.evaluate(() => {
    const candidates = [...document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]')].filter(
      (el: any) => el.tabIndex >= 0 && !el.disabled && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden',
    );
    const groups = new Set<string>();
    const stops = candidates.filter((el: any) => {
      if (el.tagName !== 'INPUT' || el.type !== 'radio') return true;
      if (groups.has(el.name)) return false;
      groups.add(el.name);
      return true;
    });
    stops.forEach((el: any, i: number) => el.setAttribute('data-tab-probe', String(i)));
    return stops.length;
  });
