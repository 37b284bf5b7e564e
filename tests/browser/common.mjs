// What the browser scripts share: Chromium launched as every script launches it, a page
// that records script errors and refuses requests to another site, and axe's findings.
import { readFileSync } from "node:fs";
import { AxeBuilder } from "@axe-core/playwright";
import { chromium } from "playwright-core";

const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];

// The script's CONFIG.json (its first argument).
export const config = JSON.parse(readFileSync(process.argv[2], "utf8"));

// playwright-core starts every launch with a fresh, temporary user-data-dir.
export const launch = () => chromium.launch({
  executablePath: config.chromium,
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});

// A page in a new context of `width` x `height`: its script errors go into `errors`, and
// nothing may be fetched from another site (each attempt is refused and goes into `errors`).
export async function newPage(browser, errors, width = 1280, height = 900) {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  page.on("pageerror", (e) => errors.push(`${page.url()}: ${e.message}`));
  await page.route(/^(?!http:\/\/127\.0\.0\.1[:/]).*/, (route) => {
    errors.push(`request to another site: ${route.request().url()}`);
    return route.abort();
  });
  return { context, page };
}

// axe's violations on the page as it is now, each with at most five of its nodes.
//
// setLegacyMode(true): @axe-core/playwright injects axe into every frame and runs axe.run()
// in the page, its frame messages allowed to the page's own origin only, so it tests the
// page and its same-origin frames but not cross-origin ones. The default mode runs
// axe.runPartial() in each frame, cross-origin ones too, and merges the parts with
// axe.finishRun() in an extra blank page (about 0.35 s a page here). Our pages have no
// frames: both modes report the same (compared on every page, faults put in).
export async function axeViolations(page) {
  const result = await new AxeBuilder({ page }).withTags(TAGS).setLegacyMode(true).analyze();
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
  }));
}
