// Figures that wrap inside themselves: Debian's Chromium driven by playwright-core.
//
// node tests/browser/figures.mjs CONFIG.json   prints one JSON object: {page: {width: [figure, ...]}}
// CONFIG: {chromium, root (the site's address, ending in /), pages: {name: path}, widths: [px]}
// A figure is a run of text that holds a digit and no breakable space: "CZK 450,000",
// "450 000 Kč", "24 hours", "2 May 2023", "September 2022" (casesite joins a figure's parts
// with no-break spaces; a range of dates may break at its dash). A figure wraps when its
// characters lie on more than one line. The test (tests/test_figures.py) asserts on it.
import { config, launch } from "./common.mjs";

const browser = await launch();
const out = {};
// Each page is loaded once and looked at in each width in turn: the viewport is resized, which
// makes Chromium apply the media queries and lay the page out again for the new width, as a
// page loaded at that width is (the site's scripts do nothing that depends on the width).
// Before looking: the page has its new width, and the fonts its layout uses have loaded;
// looking (Range.getClientRects) lays the page out again if anything changed since.
function wrappedFigures() {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.data;
    // Breakable: ordinary white space and the thin space around a range's dash.
    const token = /[^ \t\n\r\f\u2009]+/g;
    for (let m = token.exec(text); m; m = token.exec(text)) {
      if (!/\d/.test(m[0])) continue;
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const tops = new Set(
        [...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.bottom)),
      );
      if (tops.size > 1) found.push(m[0]);
    }
  }
  return found;
}
try {
  const context = await browser.newContext({ viewport: { width: config.widths[0], height: 900 } });
  const page = await context.newPage();
  for (const [name, path] of Object.entries(config.pages)) {
    out[name] = {};
    for (const [i, width] of config.widths.entries()) {
      await page.setViewportSize({ width, height: 900 });
      if (i === 0) await page.goto(new URL(path, config.root).href);
      await page.waitForFunction((w) => window.innerWidth === w, width, { timeout: 5000 });
      await page.evaluate(() => {
        document.body.getBoundingClientRect(); // lays the page out, which starts the fonts it needs
        return document.fonts.ready.then(() => undefined);
      });
      out[name][width] = await page.evaluate(wrappedFigures);
    }
  }
  await context.close();
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));
