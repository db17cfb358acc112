import type { Page } from 'playwright-core';

export type Rgba = [number, number, number, number];
type Box = { x: number; y: number; width: number; height: number };
type Readings = { pixels: Rgba[]; stats: { distinctColours: number; redPixels: number } | null };

/**
 * Reads back what the browser really drew: a screenshot of the page, decoded in the page through a
 * 2D canvas (a WebGL canvas can't be read without preserveDrawingBuffer; the screenshot is the
 * composited frame, deck.gl included). The analysis runs in the page so megabytes of pixels never
 * cross the protocol. It is one inlined function because the app's CSP forbids `new Function`.
 */
async function read(page: Page, points: { x: number; y: number }[], box: Box | null): Promise<Readings> {
  const png = (await page.screenshot()).toString('base64');
  return page.evaluate(
    async ({ png, points, box }) => {
      const image = new Image();
      image.src = `data:image/png;base64,${png}`;
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = image.width;
      canvas.height = image.height;
      const context = canvas.getContext('2d')!;
      context.drawImage(image, 0, 0);
      const pixels = points.map((p) => {
        const d = context.getImageData(Math.round(p.x), Math.round(p.y), 1, 1).data;
        return [d[0], d[1], d[2], d[3]] as [number, number, number, number];
      });
      if (!box) return { pixels, stats: null };
      const { data } = context.getImageData(
        Math.round(box.x),
        Math.round(box.y),
        Math.round(box.width),
        Math.round(box.height),
      );
      const colours = new Set<number>();
      let redPixels = 0;
      for (let i = 0; i < data.length; i += 4) {
        const r = data[i]!;
        const g = data[i + 1]!;
        const b = data[i + 2]!;
        colours.add(((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3));
        if (r - g > 50 && r - b > 50) redPixels++;
      }
      return { pixels, stats: { distinctColours: colours.size, redPixels } };
    },
    { png, points, box },
  );
}

/** The colours at the given page pixels. */
export async function pixelsAt(page: Page, points: { x: number; y: number }[]): Promise<Rgba[]> {
  return (await read(page, points, null)).pixels;
}

/** Statistics over a page rectangle: distinct colours (quantised to 5 bits) and red-dominant pixels. */
export async function regionStats(page: Page, box: Box): Promise<{ distinctColours: number; redPixels: number }> {
  return (await read(page, [], box)).stats!;
}

export const colourDistance = (a: Rgba, b: Rgba) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
