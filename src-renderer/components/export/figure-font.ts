/**
 * The figure font in the page: the same DejaVu Sans files (from the `dejavu-fonts-ttf` package) the
 * Node renderer embeds in PDFs and SVGs, loaded through the FontFace API (font-src 'self' allows the
 * bundled files; no inline @font-face is needed), so the preview measures and draws text exactly as
 * the exported file will.
 */
import boldUrl from 'dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf?url';
import regularUrl from 'dejavu-fonts-ttf/ttf/DejaVuSans.ttf?url';

/** A private family name, as in lab/export/render.ts: no installed font can answer it. */
export const PREVIEW_FONT_FAMILY = 'cliplab-figure-sans';

const FACES = [
  { url: regularUrl, weight: '400' },
  // Chart.js draws titles bold: the real bold face, not a synthesised one, as in the export.
  { url: boldUrl, weight: '700' },
];

let loading: Promise<void> | null = null;

/** Loads both faces once per page; a failed load is retried on the next call. */
export function loadFigureFont(fonts: FontFaceSet = document.fonts): Promise<void> {
  loading ??= Promise.all(
    FACES.map(async ({ url, weight }) => {
      const face = await new FontFace(PREVIEW_FONT_FAMILY, `url(${url})`, { weight }).load();
      fonts.add(face);
    }),
  ).then(
    () => undefined,
    (err: unknown) => {
      loading = null;
      throw err;
    },
  );
  return loading;
}
