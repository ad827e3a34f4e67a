/**
 * One colour per expert, by its position in the manifest (public first), shared by the playground's
 * token tints and the experts page's chart. Mid-saturation RGB so a translucent tint reads on both
 * light and dark backgrounds.
 */
const PALETTE: [number, number, number][] = [
  [100, 116, 139], // slate: public
  [14, 165, 233], // sky
  [245, 158, 11], // amber
  [16, 185, 129], // emerald
  [244, 63, 94], // rose
  [139, 92, 246], // violet
  [234, 88, 12], // orange
  [20, 184, 166], // teal
];

export function expertColor(index: number, alpha = 1): string {
  const [r, g, b] = PALETTE[index % PALETTE.length] as [number, number, number];
  return alpha === 1 ? `rgb(${r} ${g} ${b})` : `rgb(${r} ${g} ${b} / ${alpha})`;
}
