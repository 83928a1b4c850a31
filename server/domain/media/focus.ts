// Mastodon's focal point: "x,y" with both in [-1, 1] (x to the right, y up).
import { Invalid } from "../../errors";

export interface Focus {
  x: number;
  y: number;
}

/** "x,y" → a focal point; "" → null (none); anything else is a 422. */
export function parseFocus(value: string): Focus | null {
  if (value.trim() === "") return null;
  const m = value.trim().match(/^(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)$/);
  const x = m ? Number(m[1]) : NaN;
  const y = m ? Number(m[2]) : NaN;
  if (!(Math.abs(x) <= 1 && Math.abs(y) <= 1)) throw new Invalid('Validation failed: Focus must be "x,y" with both between -1.0 and 1.0');
  return { x: Math.round(x * 100) / 100, y: Math.round(y * 100) / 100 };
}
