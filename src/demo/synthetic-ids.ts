// Synthetic identifiers that pass validation but belong to nobody, for the demo world, tests and benchmarks.
import { residentIdCheckCharacter } from "../identity/national-id.ts";

// Area codes of a few real prefectures; the sequence numbers below make the whole number fictional.
const areas = ["110105", "310104", "440305", "330106", "510107", "420102"];

/** The n-th synthetic resident ID: valid, distinct for every n below 100 million, and nobody's. */
export function uniqueResidentId(n: number): string {
  const area = areas[n % areas.length] as string;
  const k = Math.floor(n / areas.length);
  const birth_year = 1950 + (k % 50);
  const rest = Math.floor(k / 50);
  const month = String(1 + (rest % 12)).padStart(2, "0");
  const day = String(1 + (Math.floor(rest / 12) % 28)).padStart(2, "0");
  const sequence = String(Math.floor(rest / 336) % 1000).padStart(3, "0");
  const first17 = `${area}${birth_year}${month}${day}${sequence}`;
  return first17 + residentIdCheckCharacter(first17);
}
