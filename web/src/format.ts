// Formatting for people: money from minor units (exactly, via decimal strings), dates, months and shares.

/** Digits after the decimal point of a currency's minor unit. */
function minorDigits(currency: string): number {
  return (
    new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2
  );
}

/** Minor units as a decimal string without going through floating point: 130 CNY minor → "1.30". */
export function minorToDecimal(minor: number | string | bigint, digits: number): string {
  const value = BigInt(minor);
  const negative = value < 0n;
  const text = (negative ? -value : value).toString().padStart(digits + 1, "0");
  const whole = text.slice(0, text.length - digits);
  const fraction = text.slice(text.length - digits);
  return `${negative ? "-" : ""}${whole}${digits > 0 ? `.${fraction}` : ""}`;
}

export function formatMoney(
  minor: number | string | bigint | null | undefined,
  currency: string,
  locale: string,
): string {
  if (minor === null || minor === undefined) return "—";
  const decimal = minorToDecimal(minor, minorDigits(currency));
  const format = new Intl.NumberFormat(locale, { style: "currency", currency });
  // Intl formats decimal strings exactly; the cast is for TypeScript's older signature.
  return format.format(decimal as unknown as number);
}

export function formatNumber(value: number | null | undefined, locale: string): string {
  return value === null || value === undefined ? "—" : new Intl.NumberFormat(locale).format(value);
}

export function formatShare(share: number | null | undefined, locale: string, digits = 1): string {
  if (share === null || share === undefined) return "—";
  return new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: digits }).format(share);
}

export function formatDate(iso: string | null | undefined, locale: string): string {
  if (!iso) return "—";
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" }).format(new Date(iso));
}

export function formatDateTime(iso: string | null | undefined, locale: string): string {
  if (!iso) return "—";
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));
}

/** A UTC day written short for chart axes: "Oct 6" or "10月6日". */
export function formatDayShort(iso: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { month: "short", day: "numeric", timeZone: "UTC" }).format(
    new Date(iso),
  );
}

/** "2026-10" as "Oct 2026" or "2026年10月". */
export function formatMonth(month: string, locale: string): string {
  const [year, number] = month.split("-").map(Number) as [number, number];
  return new Intl.DateTimeFormat(locale, { year: "numeric", month: "short", timeZone: "UTC" }).format(
    new Date(Date.UTC(year, number - 1, 1)),
  );
}

export function formatBytes(bytes: number, locale: string): string {
  const units = ["B", "KB", "MB", "GB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: unit === 0 ? 0 : 1 }).format(value)} ${units[unit]}`;
}

/** The YYYY-MM month of an instant, UTC. */
export function monthOf(iso: string): string {
  return iso.slice(0, 7);
}
