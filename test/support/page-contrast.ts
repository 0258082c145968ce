/**
 * WCAG contrast of the text on a page, measured in the browser: each visible text node's colour
 * against the first opaque background up its ancestors. This file is typed for Node, so the page's
 * globals are described by the few members the check reads.
 */
import type { Page } from 'playwright-core';

interface StyleLike {
  color: string;
  backgroundColor: string;
  visibility: string;
  opacity: string;
}

interface ElementLike {
  parentElement: ElementLike | null;
  tagName: string;
  className: unknown;
  closest(selector: string): unknown;
  getBoundingClientRect(): { width: number };
}

interface TextLike {
  parentElement: ElementLike | null;
  textContent: string | null;
}

interface PageGlobals {
  document: {
    documentElement: ElementLike;
    body: ElementLike;
    createTreeWalker(root: ElementLike, show: number): { nextNode(): TextLike | null };
  };
  getComputedStyle(element: ElementLike): StyleLike;
}

/** NodeFilter.SHOW_TEXT */
const SHOW_TEXT = 4;

/**
 * Text with less than `minimum` contrast against its background, as `tag.class "text": colour on
 * background (ratio)`. Disabled controls, visually hidden text, canvases and SVG are left out (WCAG
 * exempts disabled controls; charts are checked on their own).
 */
export function lowContrastText(page: Page, minimum: number): Promise<string[]> {
  return page.evaluate(
    ([min, showText]) => {
      const { document, getComputedStyle } = globalThis as unknown as PageGlobals;
      const rgb = (css: string) => (css.match(/[\d.]+/g) ?? []).map(Number);
      const luminance = ([r, g, b]: number[]) => {
        const [lr, lg, lb] = [r, g, b].map((c) => {
          const v = c / 255;
          return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * lr + 0.7152 * lg + 0.0722 * lb;
      };
      const backgroundOf = (el: ElementLike): string => {
        for (let at: ElementLike | null = el; at; at = at.parentElement) {
          const bg = getComputedStyle(at).backgroundColor;
          const alpha = rgb(bg)[3];
          if (bg !== 'transparent' && (alpha === undefined || alpha > 0.9)) return bg;
        }
        return getComputedStyle(document.documentElement).backgroundColor;
      };
      const found: string[] = [];
      const walker = document.createTreeWalker(document.body, showText);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const el = node.parentElement;
        const text = node.textContent?.trim();
        if (!el || !text || el.closest('[disabled], .visually-hidden, canvas, svg')) continue;
        const style = getComputedStyle(el);
        if (el.getBoundingClientRect().width === 0 || style.visibility === 'hidden' || Number(style.opacity) === 0) {
          continue;
        }
        const background = backgroundOf(el);
        const [hi, lo] = [luminance(rgb(style.color)), luminance(rgb(background))].sort((a, b) => b - a);
        const ratio = (hi + 0.05) / (lo + 0.05);
        if (ratio < min) {
          const where = `${el.tagName.toLowerCase()}.${String(el.className)} "${text.slice(0, 30)}"`;
          found.push(`${where}: ${style.color} on ${background} (${ratio.toFixed(2)})`);
        }
      }
      return found;
    },
    [minimum, SHOW_TEXT] as const,
  );
}
