// Turns the synthetic population into furnishing lines: each furnisher's NDJSON file, one person at a
// time, so that a file of any size is generated with bounded memory.
import assert from "node:assert/strict";
import { dateOf, type PopulationCalendar, periodOf } from "./population-calendar.ts";
import {
  type Person,
  people_max,
  personAt,
  stream,
  syntheticName,
  syntheticPhone,
} from "./population-people.ts";
import { PopulationRandom } from "./population-random.ts";
import { type AccountHistory, accountHistories } from "./world-histories.ts";
import { activityHistory, type MonthlyActivity } from "./world-histories-activity.ts";

/** The furnisher whose file carries deliberate data errors, and how often: the first activity line of its
 * 1st, 51st, 101st … user has a mistyped identifier (a bad check character). */
export const erroneous_furnisher = "mantou-eats";
export const erroneous_user_every = 50;

const id_type = "cn_resident_id";
const currency = "CNY";
const check_characters = "10X98765432";

export interface LineOptions {
  readonly seed: number;
  readonly calendar: PopulationCalendar;
  readonly data_errors: boolean;
}

function subjectLine(seed: number, person: Person): string {
  return `${JSON.stringify({
    type: "subject",
    id_type,
    id_number: person.id_number,
    name: syntheticName(seed, person.n),
    birth_date: person.birth_date,
    phone: syntheticPhone(person.n),
  })}\n`;
}

function accountLine(person: Person, history: AccountHistory): string {
  const plan = history.plan;
  return `${JSON.stringify({
    type: "account",
    account_ref: plan.account_ref,
    id_type,
    id_number: person.id_number,
    kind: plan.kind,
    opened_on: dateOf(plan.opened_month, plan.opened_day),
    currency,
    ...(plan.revolving
      ? { credit_limit_minor: plan.credit_limit_minor }
      : { principal_minor: plan.principal_minor, term_months: plan.term_months }),
    ...(plan.co_lender === undefined ? {} : { co_lender: plan.co_lender }),
    ...(history.closed_on === undefined ? {} : { closed_on: history.closed_on }),
  })}\n`;
}

// Statements and activities are most of every file, so their lines are written by template rather than
// JSON.stringify; every value in them is a number or a fixed-alphabet string that needs no escaping.
function statementLines(
  person: Person,
  history: AccountHistory,
  rows_max = Number.POSITIVE_INFINITY,
  months_max = Number.POSITIVE_INFINITY,
): string[] {
  const head = `{"type":"statement","account_ref":"${history.plan.account_ref}","id_type":"${id_type}","id_number":"${person.id_number}","period":"`;
  const lines: string[] = [];
  const months = history.statements;
  for (const s of months.length > months_max ? months.slice(months.length - months_max) : months) {
    if (lines.length >= rows_max) break;
    const notice = s.notified_on === undefined ? "" : `,"notified_on":"${s.notified_on}"`;
    lines.push(
      `${head}${periodOf(s.month)}","balance_minor":${s.balance_minor},"past_due_minor":${s.past_due_minor},"days_past_due":${s.days_past_due},"scheduled_payment_minor":${s.scheduled_payment_minor},"actual_payment_minor":${s.actual_payment_minor},"status":"${s.status}"${notice}}\n`,
    );
  }
  return lines;
}

function activityLine(id_number: string, activity: MonthlyActivity): string {
  const share = activity.on_time_share === undefined ? "" : `,"on_time_share":${activity.on_time_share}`;
  return `{"type":"activity","id_type":"${id_type}","id_number":"${id_number}","category":"${activity.category}","period":"${periodOf(activity.month)}","event_count":${activity.event_count},"amount_minor":${activity.amount_minor},"currency":"${currency}"${share}}\n`;
}

/** The identifier with its check character replaced by another one, as a typing error would. */
function mistypedIdentifier(seed: number, id_number: string, n: number): string {
  const check = id_number.at(-1) as string;
  const offset = PopulationRandom.keyed(seed, n, stream.errors).between(1, check_characters.length - 1);
  const wrong = check_characters[(check_characters.indexOf(check) + offset) % check_characters.length];
  return id_number.slice(0, -1) + wrong;
}

/** One furnisher's file: for each person it knows, the subject, then accounts with statements, then activity. */
export function* furnisherLines(
  people: number,
  institution_id: string,
  options: LineOptions,
): Generator<string> {
  const { seed, calendar } = options;
  let users = 0;
  for (let n = 0; n < people; n++) {
    const person = personAt(seed, n, calendar);
    const histories = accountHistories(seed, person, calendar, institution_id);
    const activities = activityHistory(seed, person, calendar, institution_id);
    if (histories.length === 0 && activities.length === 0) continue;
    users++;
    yield subjectLine(seed, person);
    for (const history of histories) {
      yield accountLine(person, history);
      yield* statementLines(person, history);
    }
    const mistyped =
      options.data_errors && institution_id === erroneous_furnisher && users % erroneous_user_every === 1;
    for (const [index, activity] of activities.entries()) {
      const id_number =
        mistyped && index === 0 ? mistypedIdentifier(seed, person.id_number, n) : person.id_number;
      yield activityLine(id_number, activity);
    }
  }
}

/**
 * A benchmark file: people's subjects and credit accounts from every lender in one file, with exactly
 * `statement_rows` statements. People without credit are skipped, so the file is mostly statements.
 */
/**
 * People's subject, account and statement lines until `statement_rows` statements are written; with
 * `months_per_account`, only each account's latest months (more people for the same rows).
 */
export function* statementRowLines(
  statement_rows: number,
  options: LineOptions,
  months_per_account = Number.POSITIVE_INFINITY,
): Generator<string> {
  const { seed, calendar } = options;
  let remaining = statement_rows;
  for (let n = 0; remaining > 0; n++) {
    assert.ok(n < people_max, "statement_rows needs more people than synthetic identifiers allow");
    const person = personAt(seed, n, calendar);
    const histories = accountHistories(seed, person, calendar);
    if (histories.length === 0) continue;
    yield subjectLine(seed, person);
    for (const history of histories) {
      if (remaining === 0) break;
      yield accountLine(person, history);
      const lines = statementLines(person, history, remaining, months_per_account);
      remaining -= lines.length;
      yield* lines;
    }
  }
}
