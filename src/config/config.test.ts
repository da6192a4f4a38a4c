import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError, loadConfig } from "./config.ts";

describe("loadConfig", () => {
  it("defaults to the cn regime, port 8080 and the embedded data folder", () => {
    const config = loadConfig({}, "/srv/credence");
    assert.equal(config.regime.code, "cn");
    assert.equal(config.port, 8080);
    assert.equal(config.data_dir, "/srv/credence/.credence");
    assert.equal(config.database_url, undefined);
    assert.equal(config.regime.dispute_deadline_days, 20);
  });

  it("switches every regime rule with CREDENCE_REGIME=us", () => {
    const config = loadConfig({ CREDENCE_REGIME: "us" });
    assert.equal(config.regime.negative_retention_years, 7);
    assert.equal(config.regime.dispute_deadline_days, 30);
    assert.equal(config.regime.free_own_reports_per_year, 1);
    assert.equal(config.regime.consent_required, false);
    assert.equal(config.regime.currency, "USD");
  });

  for (const [variable, value] of [
    ["PORT", "eighty"],
    ["PORT", "70000"],
    ["CREDENCE_REGIME", "eu"],
    ["DATABASE_URL", "mysql://localhost/test"],
    ["CREDENCE_PSEUDONYM_KEY", "too-short"],
    ["CREDENCE_VAULT_KEYS", "k1:nonsense"],
    ["CREDENCE_REJECT_SHARE_MAX", "1.5"],
  ] as const) {
    it(`names ${variable} when it is ${value}`, () => {
      assert.throws(
        () => loadConfig({ [variable]: value }),
        (error: unknown) =>
          error instanceof ConfigError && error.variable === variable && error.message.startsWith(variable),
      );
    });
  }
});
