// Tests of the hidden truth behind the synthetic population: the scoring label agrees with the furnished
// statements, defaults are plausibly rare, rise with the hidden risk, and a quarter of people are thin files.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { generatePopulation, outcomes, type PersonOutcome, thin_file_share } from "./population.ts";

const now = new Date("2026-11-01T08:00:00Z");
const small = { people: 200, seed: 11, now };
const large = { people: 3_000, seed: 11, now };

/** People whose outcome a scorecard is trained on: credit in the outcome window, not already in default. */
const developmentSample = (people: Iterable<PersonOutcome>) =>
  [...people].filter((person) => person.bad_12m !== null && !person.bad_before_observation);

const badRate = (people: readonly PersonOutcome[]) =>
  people.filter((person) => person.bad_12m).length / people.length;

describe("population outcomes", () => {
  test("the observation date is twelve months before now", () => {
    const result = outcomes(small);
    assert.equal(result.observation_date, "2025-11-01");
    assert.equal(result.observation_period, "2025-10");
  });

  test("the label agrees with the statements the lenders furnish", () => {
    const furnished = new Map<
      string,
      { before: boolean; after: boolean; bad: boolean; bad_before: boolean }
    >();
    for (const file of generatePopulation(small)) {
      for (const line of file.lines) {
        const record = JSON.parse(line) as Record<string, string | number>;
        if (record.type !== "statement") continue;
        const seen = furnished.get(record.id_number as string) ?? {
          before: false,
          after: false,
          bad: false,
          bad_before: false,
        };
        const serious = (record.days_past_due as number) >= 90 || record.status === "charged_off";
        if ((record.period as string) <= "2025-10") {
          seen.before = true;
          seen.bad_before ||= serious;
        } else {
          seen.after = true;
          seen.bad ||= serious;
        }
        furnished.set(record.id_number as string, seen);
      }
    }
    const people = [...outcomes(small).people];
    assert.equal(people.length, small.people);
    for (const person of people) {
      const seen = furnished.get(person.id_number);
      assert.equal(person.credit_at_observation, seen?.before ?? false);
      assert.equal(person.bad_before_observation, seen?.bad_before ?? false);
      assert.equal(person.bad_12m, seen?.after ? seen.bad : null);
    }
    assert.ok(people.some((person) => person.bad_12m === true));
  });

  test("between 5% and 15% of credit holders go 90 days past due within twelve months", () => {
    for (const options of [small, large]) {
      const rate = badRate(developmentSample(outcomes(options).people));
      assert.ok(rate >= 0.05 && rate <= 0.15, `${options.people} people: ${rate}`);
    }
  });

  test("the default rate rises with the hidden risk from decile to decile", () => {
    // Deciles need the default population size to hold a few hundred credit holders each.
    const sample = developmentSample(outcomes({ ...large, people: 10_000 }).people).sort(
      (a, b) => a.risk_logit - b.risk_logit,
    );
    const rates = Array.from({ length: 10 }, (_, decile) =>
      badRate(
        sample.slice(
          Math.floor((decile * sample.length) / 10),
          Math.floor(((decile + 1) * sample.length) / 10),
        ),
      ),
    );
    // Neighbouring deciles differ by little, so sampling noise may reverse them slightly; the trend may not.
    for (let decile = 1; decile < 10; decile++) {
      assert.ok((rates[decile] as number) >= (rates[decile - 1] as number) - 0.02, rates.join(" "));
    }
    assert.ok((rates[9] as number) > 5 * (rates[0] as number), rates.join(" "));
    assert.ok(badRate(sample.slice(sample.length / 2)) > 2 * badRate(sample.slice(0, sample.length / 2)));
  });

  test("about a quarter of people are thin files with platform activity only", () => {
    const thin = (people: Iterable<PersonOutcome>) => {
      const all = [...people];
      return (
        all.filter((person) => !person.credit_at_observation && person.bad_12m === null).length / all.length
      );
    };
    assert.equal(thin_file_share, 0.25);
    assert.ok(Math.abs(thin(outcomes(large).people) - thin_file_share) < 0.03);
    assert.ok(Math.abs(thin(outcomes(small).people) - thin_file_share) < 0.08);
    // Some people are thin at the observation date but borrow afterwards: the thin-file scorecard's sample.
    const new_to_credit = [...outcomes(large).people].filter(
      (person) => !person.credit_at_observation && person.bad_12m !== null,
    );
    assert.ok(new_to_credit.length > large.people * 0.01);
  });
});
