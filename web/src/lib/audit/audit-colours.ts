/**
 * Colours that follow the value (issue 10: "36.6 % covered" must not look as good as 98 %). One
 * continuous scale from red (half covered or less) through amber to green (all covered), used by
 * the headline figures, the table's bars and the report; and a sequential red scale for the people
 * a gap leaves out.
 */
import type { Rgb, Rgba } from '../layers/colours';

/** Below this share the scale stays fully red: a region half uncovered is as bad as it gets here. */
export const SHARE_RED_BELOW = 0.5;

/** 0 (red) … 1 (green) for a covered share; the power keeps 80–90 % amber rather than nearly green. */
export function shareGrade(share: number): number {
  if (!Number.isFinite(share)) return 0;
  const t = Math.min(1, Math.max(0, (share - SHARE_RED_BELOW) / (1 - SHARE_RED_BELOW)));
  return t ** 1.5;
}

/** The hue (0 red … 120 green) of a covered share. */
export const shareHue = (share: number) => Math.round(120 * shareGrade(share));

/** Text colour of a figure: dark enough to read on white. */
export const shareTextColour = (share: number) => `hsl(${shareHue(share)} 75% 34%)`;
/** A bar's fill. */
export const shareBarColour = (share: number) => `hsl(${shareHue(share)} 70% 47%)`;
/** A light background behind a figure. */
export const shareBackground = (share: number) => `hsl(${shareHue(share)} 80% 95%)`;

const GAP_LIGHT: Rgb = [253, 204, 138];
const GAP_DARK: Rgb = [153, 0, 13];

/**
 * Fill of a gap by the people it leaves out, relative to the worst gap (square root, so the many
 * small gaps are not all the same pale colour). An empty gap (no people) is pale and see-through.
 */
export function gapFill(people: number, maxPeople: number): Rgba {
  if (!(people > 0) || !(maxPeople > 0)) return [GAP_LIGHT[0], GAP_LIGHT[1], GAP_LIGHT[2], 70];
  const t = Math.min(1, Math.sqrt(people / maxPeople));
  const mix = GAP_LIGHT.map((light, channel) => Math.round(light + ((GAP_DARK[channel] ?? light) - light) * t));
  return [mix[0] ?? 0, mix[1] ?? 0, mix[2] ?? 0, Math.round(120 + 90 * t)];
}

/** The same scale as CSS, for the legend and the report's SVG. */
export function gapFillCss(people: number, maxPeople: number): string {
  const [r, g, b, a] = gapFill(people, maxPeople);
  return `rgba(${r}, ${g}, ${b}, ${(a / 255).toFixed(3)})`;
}

const HEX_LIGHT: Rgb = [221, 214, 254];
const HEX_DARK: Rgb = [76, 29, 149];

/** Uncovered-demand hexagons: violet, darker where more people are left out. */
export function hexagonFill(people: number, maxPeople: number): Rgba {
  const t = maxPeople > 0 ? Math.min(1, Math.sqrt(Math.max(0, people) / maxPeople)) : 0;
  const mix = HEX_LIGHT.map((light, channel) => Math.round(light + ((HEX_DARK[channel] ?? light) - light) * t));
  return [mix[0] ?? 0, mix[1] ?? 0, mix[2] ?? 0, Math.round(110 + 110 * t)];
}
