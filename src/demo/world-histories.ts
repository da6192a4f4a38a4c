// The credit accounts of the synthetic population and their month-by-month histories: which lender holds
// which account, and how its payments, arrears and statuses follow the holder's hidden distress.
import assert from "node:assert/strict";
import type { AccountRecord, StatementStatus } from "../furnishing/record-schema.ts";
import { demoInstitutions } from "./demo-institutions.ts";
import {
  dateOf,
  daysInMonth,
  daysToMonthEnd,
  type MonthIndex,
  type PopulationCalendar,
} from "./population-calendar.ts";
import { isDistressed, type Person, stream } from "./population-people.ts";
import { clamp, PopulationRandom } from "./population-random.ts";

type AccountKind = AccountRecord["kind"];

interface PlanBase {
  /** The account's random stream: a person's slot numbers never repeat. */
  readonly slot: number;
  readonly furnisher_id: string;
  readonly account_ref: string;
  readonly kind: AccountKind;
  readonly opened_month: MonthIndex;
  readonly opened_day: number;
  /** Day of the month payments fall due, from due_day_min to due_day_max. */
  readonly due_day: number;
  /** The legal id of the bank that co-lends a platform's micro-loan. */
  readonly co_lender?: string;
}

export interface InstalmentPlan extends PlanBase {
  readonly revolving: false;
  readonly principal_minor: number;
  readonly term_months: number;
  /** The monthly rate of an annuity loan. */
  readonly monthly_rate: number;
}

export interface RevolvingPlan extends PlanBase {
  readonly revolving: true;
  readonly credit_limit_minor: number;
  /** Share of the previous balance that is the minimum payment. */
  readonly minimum_share: number;
}

export type AccountPlan = InstalmentPlan | RevolvingPlan;

export interface MonthlyStatement {
  readonly month: MonthIndex;
  readonly balance_minor: number;
  readonly past_due_minor: number;
  readonly days_past_due: number;
  readonly scheduled_payment_minor: number;
  readonly actual_payment_minor: number;
  readonly status: StatementStatus;
  /** The day the holder was told of the negative information; present exactly on negative statements. */
  readonly notified_on?: string;
}

export interface AccountHistory {
  readonly plan: AccountPlan;
  readonly statements: readonly MonthlyStatement[];
  readonly closed_on?: string;
}

/** The most micro-loans one person takes in the history, one after another. */
export const micro_loans_per_person_max = 5;
// With payments due between the 4th and the 25th, k missed payments are always in the k-th status band
// (1-30, 31-60, 61-90 days; 4 to 6 in 91-180; 7 or more over 180) whatever the lengths of the months, so a
// status moves at most one band a month, as a real lender's does.
export const due_day_min = 4;
export const due_day_max = 25;
/** Months a lender waits at more than 180 days past due before it charges the account off. */
const charge_off_after_months = 1;
// Minimum payment floor of a revolving account: 50 yuan, or the whole balance when it is smaller.
const minimum_payment_floor_minor = 5_000;

const legalIdOf = (id: string): string => {
  const institution = demoInstitutions.find((candidate) => candidate.id === id);
  assert.ok(institution, `${id} is a demo institution`);
  return institution.legal_id;
};

const banks = ["donggang-bank", "beiyuan-bank"] as const;
const bank_prefix: Record<(typeof banks)[number], string> = { "donggang-bank": "DG", "beiyuan-bank": "BY" };
const bank_slot: Record<(typeof banks)[number], number> = { "donggang-bank": 10, "beiyuan-bank": 20 };
const bnpl_slot = 30;
const micro_loan_slot = 40;
const co_lenders = banks.map(legalIdOf);

/** The status band that a number of days past due falls in. */
export function statusForDays(days: number): StatementStatus {
  if (days === 0) return "current";
  if (days <= 30) return "late_1_30";
  if (days <= 60) return "late_31_60";
  if (days <= 90) return "late_61_90";
  if (days <= 180) return "late_91_180";
  return "late_180_plus";
}

/** An amount in yuan rounded to a step of whole yuan, in minor units (fen). */
function yuanMinor(amount_yuan: number, step_yuan: number): number {
  return Math.max(step_yuan, Math.round(amount_yuan / step_yuan) * step_yuan) * 100;
}

/** A month in history or the few years before it for an account that is still open at its start. */
function openingMonth(
  random: PopulationRandom,
  calendar: PopulationCalendar,
  earliest: MonthIndex,
): MonthIndex {
  return Math.max(earliest, random.between(calendar.first_month - 36, calendar.last_month - 1));
}

function instalmentPlan(
  base: Omit<PlanBase, "due_day">,
  principal_minor: number,
  term_months: number,
  annual_rate: number,
): InstalmentPlan {
  return {
    ...base,
    due_day: clamp(base.opened_day, due_day_min, due_day_max),
    revolving: false,
    principal_minor,
    term_months,
    monthly_rate: annual_rate / 12,
  };
}

function bankPlans(person: Person, calendar: PopulationCalendar, random: PopulationRandom): AccountPlan[] {
  const choice = random.next();
  const held = choice < 0.5 ? [banks[0]] : choice < 0.85 ? [banks[1]] : [...banks];
  const adult_month = person.birth_month + 12 * 20;
  const plans: AccountPlan[] = [];
  for (const bank of held) {
    const slot = bank_slot[bank];
    const ref = (product: string) => `${bank_prefix[bank]}-${product}-${person.n}`;
    const opened_day = random.between(1, 28);
    if (random.chance(0.75)) {
      plans.push({
        slot,
        furnisher_id: bank,
        account_ref: ref("CC"),
        kind: "credit_card",
        opened_month: Math.max(adult_month, calendar.first_month - random.between(-30, 72)),
        opened_day,
        due_day: random.between(due_day_min, due_day_max),
        revolving: true,
        credit_limit_minor: yuanMinor(5_000 + 8_000 * person.income_band * random.spread(0.4), 1000),
        minimum_share: 0.1,
      });
    }
    if (random.chance(0.3)) {
      const term = random.pick([12, 24, 36]);
      const principal = yuanMinor(15_000 + 25_000 * person.income_band * random.spread(0.5), 1000);
      plans.push(
        instalmentPlan(
          {
            slot: slot + 1,
            furnisher_id: bank,
            account_ref: ref("CL"),
            kind: "consumer_loan",
            opened_month: openingMonth(
              random,
              calendar,
              Math.max(adult_month, calendar.first_month - term + 2),
            ),
            opened_day,
          },
          principal,
          term,
          0.07,
        ),
      );
    }
    if (person.age_years >= 28 && random.chance(0.04 + 0.06 * person.income_band)) {
      const term = random.pick([240, 300, 360]);
      const principal = yuanMinor(300_000 + 250_000 * person.income_band * random.spread(0.4), 10_000);
      plans.push(
        instalmentPlan(
          {
            slot: slot + 2,
            furnisher_id: bank,
            account_ref: ref("MG"),
            kind: "mortgage",
            opened_month: Math.max(
              person.birth_month + 12 * 25,
              calendar.first_month - random.between(-24, 150),
            ),
            opened_day,
          },
          principal,
          term,
          0.042,
        ),
      );
    }
    if (random.chance(0.06)) {
      const term = random.pick([12, 24, 36]);
      plans.push(
        instalmentPlan(
          {
            slot: slot + 3,
            furnisher_id: bank,
            account_ref: ref("SB"),
            kind: "small_business_loan",
            opened_month: openingMonth(
              random,
              calendar,
              Math.max(adult_month, calendar.first_month - term + 2),
            ),
            opened_day,
          },
          yuanMinor(50_000 + 60_000 * person.income_band * random.spread(0.5), 1000),
          term,
          0.055,
        ),
      );
    }
  }
  return plans;
}

function bnplPlan(
  person: Person,
  calendar: PopulationCalendar,
  random: PopulationRandom,
): RevolvingPlan | undefined {
  const joined = person.platforms.get("jingxi-mall");
  if (joined === undefined || !random.chance(0.5)) return undefined;
  return {
    slot: bnpl_slot,
    furnisher_id: "jingxi-mall",
    account_ref: `JX-BNPL-${person.n}`,
    kind: "bnpl",
    opened_month: Math.max(joined, calendar.first_month - 24) + random.between(0, 6),
    opened_day: random.between(1, 28),
    due_day: 10,
    revolving: true,
    credit_limit_minor: yuanMinor(2_000 + 3_000 * person.income_band * random.spread(0.5), 100),
    minimum_share: 0.25,
  };
}

export interface CreditPlan {
  /** The accounts with the banks and jingxi-mall. */
  readonly accounts: readonly AccountPlan[];
  /** The month of the first micro-loan with qilin-pay, when the person borrows there. */
  readonly micro_loans_from?: MonthIndex;
}

function microLoanStart(
  person: Person,
  calendar: PopulationCalendar,
  random: PopulationRandom,
): MonthIndex | undefined {
  const joined = person.platforms.get("qilin-pay");
  // Riskier people turn to micro-loans more often.
  const borrows = random.chance(clamp(0.45 + 0.1 * person.risk_z, 0.2, 0.8));
  if (joined === undefined || !borrows) return undefined;
  const month = Math.max(joined, calendar.first_month - 6) + random.between(0, 12);
  return month <= calendar.last_month ? month : undefined;
}

/** Which credit accounts the person holds; everyone who is not a thin file holds at least one. */
function creditPlan(seed: number, person: Person, calendar: PopulationCalendar): CreditPlan {
  if (!person.credit_user) return { accounts: [] };
  const random = PopulationRandom.keyed(seed, person.n, stream.credit, 1);
  const banked = random.chance(0.3 + 0.12 * person.income_band);
  const planned = banked ? bankPlans(person, calendar, random) : [];
  const bnpl = bnplPlan(person, calendar, random);
  if (bnpl) planned.push(bnpl);
  const accounts = planned.filter((plan) => plan.opened_month <= calendar.last_month);
  const micro_loans_from = microLoanStart(person, calendar, random);
  if (accounts.length === 0 && micro_loans_from === undefined) {
    accounts.push({
      slot: bank_slot["donggang-bank"],
      furnisher_id: "donggang-bank",
      account_ref: `DG-CC-${person.n}`,
      kind: "credit_card",
      opened_month: calendar.first_month - random.between(0, 60),
      opened_day: random.between(1, 28),
      due_day: random.between(due_day_min, due_day_max),
      revolving: true,
      credit_limit_minor: yuanMinor(5_000 * person.income_band, 1_000),
      minimum_share: 0.1,
    });
  }
  return micro_loans_from === undefined ? { accounts } : { accounts, micro_loans_from };
}

interface Unpaid {
  readonly month: MonthIndex;
  readonly amount: number;
}

/** How many of the oldest unpaid amounts the holder pays this month. */
function paymentsMade(
  random: PopulationRandom,
  person: Person,
  distressed: boolean,
  arrears_before: number,
  unpaid: number,
): number {
  const draw = random.next();
  // In distress a person rarely pays; otherwise a payment is now and then forgotten and caught up later.
  if (distressed) return draw < 0.06 ? unpaid : draw < 0.18 ? Math.min(1, unpaid) : 0;
  if (arrears_before === 0) return draw < person.slip_probability ? 0 : unpaid;
  return draw < 0.7 ? unpaid : draw < 0.9 ? Math.min(1, unpaid) : 0;
}

/**
 * Tracks what one account owes month by month: unpaid amounts oldest first, the notice of the current
 * delinquency, and the charge-off once the account has been more than 180 days late.
 */
class Arrears {
  readonly unpaid: Unpaid[] = [];
  notice: string | undefined;
  months_over_180 = 0;
  charged_off_on: string | undefined;

  get past_due(): number {
    let total = 0;
    for (const item of this.unpaid) total += item.amount;
    return total;
  }

  /** Pays the `count` oldest amounts; returns what was paid. */
  pay(count: number): number {
    let paid = 0;
    for (const item of this.unpaid.splice(0, count)) paid += item.amount;
    return paid;
  }

  days(month: MonthIndex, due_day: number): number {
    const oldest = this.unpaid[0];
    return oldest === undefined ? 0 : daysToMonthEnd(oldest.month, due_day, month);
  }

  /** The statement fields that depend on arrears; moves the account to charged off when its time comes. */
  statementFields(
    month: MonthIndex,
    due_day: number,
    balance: number,
  ): Pick<MonthlyStatement, "past_due_minor" | "days_past_due" | "status" | "notified_on"> {
    const days = this.days(month, due_day);
    if (days === 0) {
      this.notice = undefined;
      return { past_due_minor: 0, days_past_due: 0, status: "current" };
    }
    // The holder is told when the account first falls behind; later statements of the same delinquency
    // cite that notice, and a charge-off gets its own.
    this.notice ??= dateOf(this.unpaid[0]?.month as MonthIndex, due_day + 1);
    const status = statusForDays(days);
    if (status === "late_180_plus") this.months_over_180++;
    if (this.months_over_180 > charge_off_after_months) {
      this.charged_off_on = dateOf(month, 1);
      return {
        past_due_minor: balance,
        days_past_due: days,
        status: "charged_off",
        notified_on: this.charged_off_on,
      };
    }
    return {
      past_due_minor: Math.min(this.past_due, balance),
      days_past_due: days,
      status,
      notified_on: this.notice,
    };
  }
}

function chargedOff(last: MonthlyStatement, month: MonthIndex, notice: string): MonthlyStatement {
  return {
    month,
    balance_minor: last.balance_minor,
    past_due_minor: last.balance_minor,
    days_past_due: last.days_past_due + daysInMonth(month),
    scheduled_payment_minor: 0,
    actual_payment_minor: 0,
    status: "charged_off",
    notified_on: notice,
  };
}

function annuityPayment(plan: InstalmentPlan): number {
  const r = plan.monthly_rate;
  return Math.ceil((plan.principal_minor * r) / (1 - (1 + r) ** -plan.term_months));
}

function principalAfter(plan: InstalmentPlan, payment: number, paid: number): number {
  const growth = (1 + plan.monthly_rate) ** paid;
  return Math.max(
    0,
    Math.round(plan.principal_minor * growth - (payment * (growth - 1)) / plan.monthly_rate),
  );
}

function instalmentHistory(
  plan: InstalmentPlan,
  person: Person,
  calendar: PopulationCalendar,
  random: PopulationRandom,
): AccountHistory {
  const statements: MonthlyStatement[] = [];
  const arrears = new Arrears();
  const payment = annuityPayment(plan);
  const start = Math.max(plan.opened_month, calendar.first_month);
  // Instalment i falls due in month opened + 1 + i; those due before the history were paid on time.
  let due = clamp(start - plan.opened_month - 1, 0, plan.term_months);
  let paid = due;
  for (let month = start; month <= calendar.last_month; month++) {
    if (arrears.charged_off_on !== undefined) {
      statements.push(chargedOff(statements.at(-1) as MonthlyStatement, month, arrears.charged_off_on));
      continue;
    }
    let scheduled = 0;
    let actual = 0;
    if (month > plan.opened_month) {
      const arrears_before = arrears.unpaid.length;
      if (due < plan.term_months) {
        due++;
        scheduled = payment;
        arrears.unpaid.push({ month, amount: payment });
      }
      const count = paymentsMade(
        random,
        person,
        isDistressed(person, calendar, month),
        arrears_before,
        arrears.unpaid.length,
      );
      actual = arrears.pay(count);
      paid += count;
    }
    if (paid === plan.term_months) {
      statements.push({
        month,
        balance_minor: 0,
        past_due_minor: 0,
        days_past_due: 0,
        scheduled_payment_minor: scheduled,
        actual_payment_minor: actual,
        status: "closed",
      });
      return { plan, statements, closed_on: dateOf(month, plan.due_day) };
    }
    const balance = Math.max(principalAfter(plan, payment, paid), arrears.past_due);
    statements.push({
      month,
      balance_minor: balance,
      scheduled_payment_minor: scheduled,
      actual_payment_minor: actual,
      ...arrears.statementFields(month, plan.due_day, balance),
    });
  }
  return { plan, statements };
}

function revolvingHistory(
  plan: RevolvingPlan,
  person: Person,
  calendar: PopulationCalendar,
  random: PopulationRandom,
): AccountHistory {
  const statements: MonthlyStatement[] = [];
  const arrears = new Arrears();
  const limit = plan.credit_limit_minor;
  const start = Math.max(plan.opened_month, calendar.first_month);
  let balance = 0;
  let distressed_months = 0;
  for (let month = start; month <= calendar.last_month; month++) {
    if (arrears.charged_off_on !== undefined) {
      statements.push(chargedOff(statements.at(-1) as MonthlyStatement, month, arrears.charged_off_on));
      continue;
    }
    const distressed = isDistressed(person, calendar, month);
    distressed_months = distressed ? distressed_months + 1 : 0;
    // A person in distress borrows up to the limit before falling behind.
    const utilisation = clamp(
      person.utilisation_base * random.spread(0.2) + Math.min(0.6, 0.25 * distressed_months),
      0,
      1,
    );
    const target = Math.round(limit * utilisation);
    let scheduled = 0;
    let actual = 0;
    if (month === plan.opened_month) {
      balance = Math.round(target / 2);
    } else if (month === start) {
      balance = target;
    } else {
      const arrears_before = arrears.unpaid.length;
      if (balance > 0) {
        scheduled = Math.min(
          balance,
          Math.max(minimum_payment_floor_minor, Math.round(balance * plan.minimum_share)),
        );
        arrears.unpaid.push({ month, amount: scheduled });
      }
      const count = paymentsMade(random, person, distressed, arrears_before, arrears.unpaid.length);
      actual = arrears.pay(count);
      if (arrears.unpaid.length === 0) {
        // Paid up: a transactor clears the balance, a revolver pays part of the rest; new purchases follow.
        const rest = balance - actual;
        actual += random.chance(person.transactor_probability)
          ? rest
          : Math.round(rest * 0.4 * random.next());
        balance = target;
      } else {
        // Behind on payments: the card is frozen and the unpaid balance accrues interest.
        balance = Math.min(Math.round((balance - actual) * 1.015), Math.round(limit * 1.2));
      }
    }
    balance = Math.max(balance, arrears.past_due);
    statements.push({
      month,
      balance_minor: balance,
      scheduled_payment_minor: scheduled,
      actual_payment_minor: actual,
      ...arrears.statementFields(month, plan.due_day, balance),
    });
  }
  return { plan, statements };
}

function accountHistory(
  seed: number,
  plan: AccountPlan,
  person: Person,
  calendar: PopulationCalendar,
): AccountHistory {
  const random = PopulationRandom.keyed(seed, person.n, stream.account + plan.slot);
  return plan.revolving
    ? revolvingHistory(plan, person, calendar, random)
    : instalmentHistory(plan, person, calendar, random);
}

/** The person's micro-loans with qilin-pay, one after another, some co-lent with a bank. */
function microLoanHistories(
  seed: number,
  person: Person,
  calendar: PopulationCalendar,
  from: MonthIndex,
): AccountHistory[] {
  const random = PopulationRandom.keyed(seed, person.n, stream.credit, 2);
  const histories: AccountHistory[] = [];
  let month = from;
  for (let k = 0; k < micro_loans_per_person_max && month <= calendar.last_month; k++) {
    const term = random.pick([3, 6, 12]);
    const plan = instalmentPlan(
      {
        slot: micro_loan_slot + k,
        furnisher_id: "qilin-pay",
        account_ref: `QP-ML-${person.n}-${k + 1}`,
        kind: "micro_loan",
        opened_month: month,
        opened_day: random.between(1, 28),
        ...(random.chance(0.4) ? { co_lender: random.pick(co_lenders) } : {}),
      },
      yuanMinor(1_000 + 2_500 * person.income_band * random.spread(0.6), 100),
      term,
      0.18,
    );
    const history = accountHistory(seed, plan, person, calendar);
    histories.push(history);
    const last = history.statements.at(-1);
    if (last?.status !== "closed") break;
    // The platform offers the next loan after a pause, and not to someone who is behind on other debts.
    month = last.month + random.between(1, 8);
    while (month <= calendar.last_month && isDistressed(person, calendar, month)) month++;
  }
  return histories;
}

/** Every account the person holds with a furnisher, or with all of them, with its history. */
export function accountHistories(
  seed: number,
  person: Person,
  calendar: PopulationCalendar,
  furnisher_id?: string,
): AccountHistory[] {
  const plan = creditPlan(seed, person, calendar);
  const histories: AccountHistory[] = [];
  if (plan.micro_loans_from !== undefined && (furnisher_id === undefined || furnisher_id === "qilin-pay")) {
    histories.push(...microLoanHistories(seed, person, calendar, plan.micro_loans_from));
  }
  for (const account of plan.accounts) {
    if (furnisher_id === undefined || account.furnisher_id === furnisher_id) {
      histories.push(accountHistory(seed, account, person, calendar));
    }
  }
  return histories;
}
