// The people of the synthetic population: hidden traits, a latent credit risk drawn from them, the months
// each person could not pay, and the platforms each one uses. Nothing here is ever furnished directly.
import { demoInstitutions } from "./demo-institutions.ts";
import type { MonthIndex, PopulationCalendar } from "./population-calendar.ts";
import { clamp, PopulationRandom, sigmoid } from "./population-random.ts";
import { uniqueResidentId } from "./synthetic-ids.ts";

/** The population size the platforms' declared user counts refer to, and the default size. */
export const people_default = 10_000;
/** The most people a population may hold: synthetic resident IDs and phones are distinct below it. */
export const people_max = 100_000_000;
/** Share of people who hold no credit account at all, only platform activity (thin files). */
export const thin_file_share = 0.25;

// Random streams of one person, one per purpose, so that each can be regenerated on its own.
export const stream = {
  traits: 1,
  distress: 2,
  platforms: 3,
  credit: 4,
  name: 5,
  errors: 6,
  /** Account slots start here: slot k of a person is stream account + k. */
  account: 100,
  /** Activity categories start here, one stream per platform and category. */
  activity: 1_000,
} as const;

// The intercept of the latent risk logit, chosen so that about one credit holder in twelve goes 90 days
// past due within a year; the population tests hold the rate between 5% and 15%.
const risk_intercept = -1.6;

export interface Person {
  readonly n: number;
  readonly id_number: string;
  /** The birth date inside the resident ID. */
  readonly birth_date: string;
  readonly birth_month: MonthIndex;
  /** Age in whole years at the end of the history. */
  readonly age_years: number;
  /** 1 (lowest) to 5 (highest). */
  readonly income_band: number;
  /** 0 to 1: how steady the person's job and income are. */
  readonly employment_stability: number;
  /** 0 to 1: how regular the person's spending is from month to month. */
  readonly spending_regularity: number;
  /** The hidden creditworthiness: the log-odds of falling into payment distress within a year. */
  readonly risk_logit: number;
  /** The risk logit relative to the population's centre, for the behaviours it drives. */
  readonly risk_z: number;
  /** Chance, in a month without distress, that a payment is simply missed and caught up later. */
  readonly slip_probability: number;
  /** Chance that a distressed person recovers in a month. */
  readonly recovery_probability: number;
  /** Typical share of revolving limits in use. */
  readonly utilisation_base: number;
  /** Chance of paying a card in full each month rather than the minimum. */
  readonly transactor_probability: number;
  /** Chance that a bill is paid on time in a month without distress. */
  readonly bill_on_time_probability: number;
  /** Monthly log-slope of spending: riskier people tend to spend less and less. */
  readonly spend_trend: number;
  /** Per month of history, 1 when the person cannot pay their debts. */
  readonly distressed: Uint8Array;
  /** The month each platform the person uses was joined, by institution id. */
  readonly platforms: ReadonlyMap<string, MonthIndex>;
  /** False for thin files: people who never hold a credit account. */
  readonly credit_user: boolean;
}

/** The consumer platforms and the share of people using each, from the users they declare. */
const platformShares: readonly { readonly id: string; readonly share: number }[] = demoInstitutions
  .filter((institution) => institution.active_users_declared !== undefined)
  .map((institution) => ({
    id: institution.id,
    share: (institution.active_users_declared as number) / people_default,
  }));

const income_band_weights = [0.2, 0.3, 0.25, 0.15, 0.1];

function drawIncomeBand(random: PopulationRandom, age_years: number): number {
  // People in the middle of their careers earn more than the young and the retired.
  const shift = age_years >= 35 && age_years < 58 ? 0.1 : 0;
  let draw = random.next() - shift;
  for (let band = 0; band < income_band_weights.length; band++) {
    draw -= income_band_weights[band] as number;
    if (draw < 0) return band + 1;
  }
  return income_band_weights.length;
}

function ageTerm(age_years: number): number {
  if (age_years < 30) return 0.6;
  if (age_years < 45) return 0;
  if (age_years < 60) return -0.2;
  return 0.2;
}

function distressPath(
  random: PopulationRandom,
  risk_logit: number,
  recovery: number,
  months: number,
): Uint8Array {
  const hazard = 1 - (1 - sigmoid(risk_logit)) ** (1 / 12);
  const path = new Uint8Array(months);
  let distressed = random.chance(hazard / (hazard + recovery));
  for (let i = 0; i < months; i++) {
    distressed = distressed ? !random.chance(recovery) : random.chance(hazard);
    path[i] = distressed ? 1 : 0;
  }
  return path;
}

function drawPlatforms(
  random: PopulationRandom,
  calendar: PopulationCalendar,
  credit_user: boolean,
): Map<string, MonthIndex> {
  const joined = new Map<string, MonthIndex>();
  const months = calendar.last_month - calendar.first_month;
  for (const platform of platformShares) {
    const uses = random.chance(platform.share);
    const before_history = random.chance(0.55);
    const month = before_history
      ? calendar.first_month - random.between(1, 48)
      : calendar.first_month + random.between(1, months);
    if (uses) joined.set(platform.id, month);
  }
  // A thin file is someone the platforms know; a person nobody holds records of is not in the population.
  if (!credit_user && joined.size === 0) {
    joined.set((platformShares[0] as { id: string }).id, calendar.first_month - 12);
  }
  return joined;
}

/** The hidden traits and behaviour of person `n`; the same for a seed whichever file asks. */
export function personAt(seed: number, n: number, calendar: PopulationCalendar): Person {
  const id_number = uniqueResidentId(n);
  const birth_year = Number(id_number.slice(6, 10));
  const birth_month_number = Number(id_number.slice(10, 12));
  const birth_month = birth_year * 12 + birth_month_number - 1;
  const age_years = Math.floor((calendar.last_month - birth_month) / 12);
  const traits = PopulationRandom.keyed(seed, n, stream.traits);
  const income_band = drawIncomeBand(traits, age_years);
  const employment_stability = clamp(0.55 + 0.08 * (income_band - 3) + 0.22 * traits.normal(), 0, 1);
  const spending_regularity = clamp(
    0.5 * employment_stability + 0.5 * traits.next() + 0.1 * traits.normal(),
    0,
    1,
  );
  const random_effect = 0.8 * traits.normal();
  const risk_z =
    ageTerm(age_years) -
    0.35 * (income_band - 3) -
    1.4 * (employment_stability - 0.55) -
    1.2 * (spending_regularity - 0.5) +
    random_effect;
  const risk_logit = risk_intercept + risk_z;
  const recovery_probability = clamp(0.3 - 0.06 * risk_z, 0.12, 0.5);
  const credit_user = PopulationRandom.keyed(seed, n, stream.credit).chance(1 - thin_file_share);
  return {
    n,
    id_number,
    birth_date: `${id_number.slice(6, 10)}-${id_number.slice(10, 12)}-${id_number.slice(12, 14)}`,
    birth_month,
    age_years,
    income_band,
    employment_stability,
    spending_regularity,
    risk_logit,
    risk_z,
    slip_probability: sigmoid(-4.2 + 0.9 * risk_z),
    recovery_probability,
    utilisation_base: clamp(sigmoid(-1 + 0.9 * risk_z + 0.5 * traits.normal()), 0.02, 0.97),
    transactor_probability: sigmoid(0.5 - risk_z),
    bill_on_time_probability: sigmoid(3.2 - 1.1 * risk_z + 0.4 * traits.normal()),
    spend_trend: -0.012 * risk_z + 0.008 * traits.normal(),
    distressed: distressPath(
      PopulationRandom.keyed(seed, n, stream.distress),
      risk_logit,
      recovery_probability,
      calendar.last_month - calendar.first_month + 1,
    ),
    platforms: drawPlatforms(PopulationRandom.keyed(seed, n, stream.platforms), calendar, credit_user),
    credit_user,
  };
}

/** Whether the person is in payment distress in a month of history (never before it). */
export function isDistressed(person: Person, calendar: PopulationCalendar, month: MonthIndex): boolean {
  return month >= calendar.first_month && person.distressed[month - calendar.first_month] === 1;
}

const family_names = [
  "王",
  "李",
  "张",
  "刘",
  "陈",
  "杨",
  "黄",
  "赵",
  "吴",
  "周",
  "徐",
  "孙",
  "马",
  "朱",
  "胡",
  "郭",
];
const given_characters = [
  "伟",
  "芳",
  "娜",
  "敏",
  "静",
  "丽",
  "强",
  "磊",
  "军",
  "洋",
  "勇",
  "艳",
  "杰",
  "涛",
  "明",
  "霞",
];

/** An obviously synthetic name: common characters followed by the person's number. */
export function syntheticName(seed: number, n: number): string {
  const random = PopulationRandom.keyed(seed, n, stream.name);
  const given = random.pick(given_characters) + (random.chance(0.6) ? random.pick(given_characters) : "");
  return `${random.pick(family_names)}${given} (synthetic ${n})`;
}

/** A phone number in a mobile range, distinct for every n below 100 million. */
export function syntheticPhone(n: number): string {
  return `+86170${String(n % 100_000_000).padStart(8, "0")}`;
}
