// The months of the synthetic population's history: 36 complete months before `now`, and the scoring
// observation date twelve months before the end.

/** Months of history every furnisher's file covers. */
export const history_months = 36;
/** Months after the observation date in which the scoring outcome is observed. */
export const outcome_months = 12;

/** A month as one integer, year * 12 + month - 1, so that months add and subtract. */
export type MonthIndex = number;

export interface PopulationCalendar {
  /** The first and last month of history; the last is the last complete month before `now`. */
  readonly first_month: MonthIndex;
  readonly last_month: MonthIndex;
  /** The last month a feature at the observation date may see; outcomes are the months after it. */
  readonly observation_month: MonthIndex;
  /** The observation date T (`now` minus twelve months), YYYY-MM-DD. */
  readonly observation_date: string;
}

export function monthIndexOf(date: Date): MonthIndex {
  return date.getUTCFullYear() * 12 + date.getUTCMonth();
}

export function populationCalendar(now: Date): PopulationCalendar {
  const last_month = monthIndexOf(now) - 1;
  const observation = new Date(now.getTime());
  observation.setUTCFullYear(observation.getUTCFullYear() - 1);
  return {
    first_month: last_month - history_months + 1,
    last_month,
    observation_month: last_month - outcome_months,
    observation_date: observation.toISOString().slice(0, 10),
  };
}

/** The month as a furnishing period, YYYY-MM. */
export function periodOf(month: MonthIndex): string {
  return `${Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, "0")}`;
}

const month_lengths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(month: MonthIndex): number {
  const year = Math.floor(month / 12);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month % 12 === 1 && leap ? 29 : (month_lengths[month % 12] as number);
}

/** A day of a month as YYYY-MM-DD; the day is capped at the month's length. */
export function dateOf(month: MonthIndex, day: number): string {
  return `${periodOf(month)}-${String(Math.min(day, daysInMonth(month))).padStart(2, "0")}`;
}

/** Days from `day` of month `from` to the last day of month `to`. */
export function daysToMonthEnd(from: MonthIndex, day: number, to: MonthIndex): number {
  const start = Date.UTC(Math.floor(from / 12), from % 12, Math.min(day, daysInMonth(from)));
  const end = Date.UTC(Math.floor(to / 12), to % 12, daysInMonth(to));
  return Math.round((end - start) / 86_400_000);
}
