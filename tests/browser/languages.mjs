// A site in several languages in a real browser: the language switcher, axe on pages in
// Czech, Slovak and Hungarian, and each language's search page searching its own pages.
//
// node tests/browser/languages.mjs CONFIG.json   prints one JSON object with every finding.
// CONFIG: {chromium, root (the site's address, ending in /), story: {en, hu} (paths),
//          axe: {name: path}, search: {hu: path, en: path, word}}
// tests/test_languages_browser.py builds and serves the sample, runs this once and asserts.
import { readFileSync } from "node:fs";
import { AxeBuilder } from "@axe-core/playwright";
import { chromium } from "playwright-core";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];
const url = (path) => new URL(path, config.root).href;
const browser = await chromium.launch({
  executablePath: config.chromium,
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});
const out = { switcher: [], axe: {}, search: {}, errors: [] };

async function newPage() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on("pageerror", (e) => out.errors.push(`${page.url()}: ${e.message}`));
  await page.route(/^(?!http:\/\/127\.0\.0\.1[:/]).*/, (route) => {
    out.errors.push(`request to another site: ${route.request().url()}`);
    return route.abort();
  });
  return { context, page };
}

async function where(page) {
  return { path: new URL(page.url()).pathname, lang: await page.getAttribute("html", "lang") };
}

async function search(page, path, word) {
  await page.goto(url(`${path}?q=${encodeURIComponent(word)}`));
  await page.waitForFunction(() => {
    const status = document.getElementById("search-status");
    return status && status.textContent && !/…|\.\.\./.test(status.textContent);
  }, null, { timeout: 15000 });
  return page.$$eval("#search-results a", (links) => links.map((a) => new URL(a.href).pathname));
}

try {
  // 1. The switcher: from the Hungarian version to the English one and back, by clicking.
  {
    const { context, page } = await newPage();
    await page.goto(url(config.story.hu));
    out.switcher.push(await where(page));
    await page.click('.lang-switch a[hreflang="en-GB"]');
    await page.waitForLoadState();
    out.switcher.push(await where(page));
    await page.click('.lang-switch a[hreflang="hu"]');
    await page.waitForLoadState();
    out.switcher.push(await where(page));
    await context.close();
  }
  // 2. axe on pages in each language, in one context (nothing is kept between pages; see
  //    check.mjs).
  {
    const { context, page } = await newPage();
    for (const [name, path] of Object.entries(config.axe)) {
      await page.goto(url(path));
      // Legacy mode: axe.run() in the page, without the default mode's extra blank page (see
      // check.mjs); the same findings for pages without cross-origin frames, such as ours.
      const result = await new AxeBuilder({ page }).withTags(TAGS).setLegacyMode(true).analyze();
      out.axe[name] = result.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
      }));
    }
    await context.close();
  }
  // 3. Search: a Hungarian word in the Hungarian and in the English search page.
  {
    const { context, page } = await newPage();
    out.search.hu = await search(page, config.search.hu, config.search.word);
    out.search.en = await search(page, config.search.en, config.search.word);
    out.search.en_own = await search(page, config.search.en, config.search.en_word);
    await context.close();
  }
} catch (error) {
  out.errors.push(`languages.mjs stopped: ${error && error.stack ? error.stack : error}`);
} finally {
  await browser.close();
}
process.stdout.write(`${JSON.stringify(out, null, 1)}\n`);
