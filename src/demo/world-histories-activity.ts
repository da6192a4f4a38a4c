// The alternative data of the synthetic population: what each platform sees of a person month by month
// (payments and bills, food orders, purchases, trips), shaped by income, regularity, trend and distress.
import type { ActivityRecord } from "../furnishing/record-schema.ts";
import type { MonthIndex, PopulationCalendar } from "./population-calendar.ts";
import { isDistressed, type Person, stream } from "./population-people.ts";
import { PopulationRandom } from "./population-random.ts";

type Category = ActivityRecord["category"];

interface CategoryModel {
  readonly category: Category;
  /** The category's random stream, distinct across all platforms. */
  readonly slot: number;
  /** Share of the platform's users who use this service at all. */
  readonly uptake: number;
  /** Typical events a month for an income band. */
  readonly events_per_month: (person: Person) => number;
  readonly ticket_yuan: number;
  /** Bills carry an on-time share; spending does not. */
  readonly bills: boolean;
}

interface PlatformModel {
  readonly categories: readonly CategoryModel[];
  /** When set, the platform furnishes only its most recent months (a late starter). */
  readonly recent_months_only?: number;
}

const platformActivity: Readonly<Record<string, PlatformModel>> = {
  "qilin-pay": {
    categories: [
      {
        category: "payments",
        slot: 0,
        uptake: 1,
        events_per_month: (person) => 20 + 12 * person.income_band,
        ticket_yuan: 60,
        bills: false,
      },
      {
        category: "utilities",
        slot: 1,
        uptake: 0.7,
        events_per_month: () => 2,
        ticket_yuan: 120,
        bills: true,
      },
      { category: "telecom", slot: 2, uptake: 0.6, events_per_month: () => 1, ticket_yuan: 80, bills: true },
    ],
  },
  "mantou-eats": {
    categories: [
      {
        category: "food_delivery",
        slot: 3,
        uptake: 1,
        // The young order food more often.
        events_per_month: (person) => (4 + 3 * person.income_band) * (person.age_years < 35 ? 1.5 : 1),
        ticket_yuan: 35,
        bills: false,
      },
    ],
  },
  "jingxi-mall": {
    categories: [
      {
        category: "ecommerce",
        slot: 4,
        uptake: 1,
        events_per_month: (person) => 1 + person.income_band,
        ticket_yuan: 150,
        bills: false,
      },
    ],
  },
  "yunlv-travel": {
    // Yunlv started furnishing late and sends only its last two months: the compliance board shows it.
    recent_months_only: 2,
    categories: [
      {
        category: "travel",
        slot: 5,
        uptake: 1,
        events_per_month: (person) => 0.3 + 0.15 * person.income_band,
        ticket_yuan: 800,
        bills: false,
      },
    ],
  },
};

export interface MonthlyActivity {
  readonly month: MonthIndex;
  readonly category: Category;
  readonly event_count: number;
  readonly amount_minor: number;
  readonly on_time_share?: number;
}

function poisson(random: PopulationRandom, mean: number): number {
  if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * random.normal()));
  const limit = Math.exp(-mean);
  let count = 0;
  let product = random.next();
  while (product > limit) {
    count++;
    product *= random.next();
  }
  return count;
}

function categoryHistory(
  seed: number,
  person: Person,
  calendar: PopulationCalendar,
  model: CategoryModel,
  joined: MonthIndex,
): MonthlyActivity[] {
  const random = PopulationRandom.keyed(seed, person.n, stream.activity + model.slot);
  if (!random.chance(model.uptake)) return [];
  const irregularity = 1 - person.spending_regularity;
  const months: MonthlyActivity[] = [];
  for (let month = Math.max(joined, calendar.first_month); month <= calendar.last_month; month++) {
    const distressed = isDistressed(person, calendar, month);
    if (model.bills) {
      const count = model.events_per_month(person);
      // Distress shows in bills first: they are paid late or not at all.
      const on_time_probability = person.bill_on_time_probability * (distressed ? 0.4 : 1);
      let on_time = 0;
      for (let bill = 0; bill < count; bill++) if (random.chance(on_time_probability)) on_time++;
      months.push({
        month,
        category: model.category,
        event_count: count,
        amount_minor: Math.round(count * model.ticket_yuan * 100 * random.spread(0.3)),
        on_time_share: Math.round((on_time / count) * 100) / 100,
      });
      continue;
    }
    const skipped = random.chance(0.05 + 0.3 * irregularity);
    const level =
      Math.exp(person.spend_trend * (month - calendar.first_month)) *
      (distressed ? 0.6 : 1) *
      random.spread(0.1 + 0.6 * irregularity);
    const count = poisson(random, model.events_per_month(person) * level);
    const amount_minor = Math.round(
      count * model.ticket_yuan * 100 * (0.7 + 0.15 * person.income_band) * random.spread(0.25),
    );
    if (!skipped && count > 0)
      months.push({ month, category: model.category, event_count: count, amount_minor });
  }
  return months;
}

/** What one platform furnishes about the person's activity, oldest month first within each category. */
export function activityHistory(
  seed: number,
  person: Person,
  calendar: PopulationCalendar,
  platform_id: string,
): MonthlyActivity[] {
  const model = platformActivity[platform_id];
  const joined = person.platforms.get(platform_id);
  if (model === undefined || joined === undefined) return [];
  const from =
    model.recent_months_only === undefined
      ? calendar.first_month
      : calendar.last_month - model.recent_months_only + 1;
  return model.categories
    .flatMap((category) => categoryHistory(seed, person, calendar, category, joined))
    .filter((activity) => activity.month >= from);
}
