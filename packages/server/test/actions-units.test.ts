/** Pure pieces of actions: branch globs, Go durations, `if` expressions, action files, run ids. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { InvalidActionError, matches, parseAction } from "../src/actions/action-file.js";
import { evaluateCondition } from "../src/actions/condition.js";
import { globMatch } from "../src/actions/glob.js";
import { formatGo, parseGo } from "../src/actions/lua-library/go-time.js";
import { fillEnv, PropertyError, parseDuration } from "../src/actions/properties.js";
import { hookRunId, newRunId } from "../src/actions/run-id.js";

describe("action branch globs (Go path.Match)", () => {
  it("matches like path.Match", () => {
    const cases: [string, string, boolean][] = [
      ["main", "main", true],
      ["main", "mainline", false],
      ["etl-*", "etl-daily", true],
      ["etl-*", "etl-a/b", false],
      ["etl**", "etl-x", true],
      ["feature-?", "feature-1", true],
      ["feature-?", "feature-12", false],
      ["[a-c]x", "bx", true],
      ["[^a-c]x", "bx", false],
      ["[!a-c]x", "dx", true],
      ["a\\*b", "a*b", true],
      ["a\\*b", "axb", false],
      ["v1.0", "v1x0", false],
    ];
    for (const [glob, name, want] of cases)
      assert.equal(globMatch(glob, name), want, `${glob} ~ ${name}`);
  });

  it("rejects malformed patterns", () => {
    for (const bad of ["[abc", "a\\", "[]"]) assert.throws(() => globMatch(bad, "x"), /bad glob/);
  });

  it("a literal name always matches itself", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9_.-]{1,20}$/), (name) => globMatch(name, name)),
    );
  });
});

describe("hook properties", () => {
  it("parses Go durations", () => {
    assert.equal(parseDuration("1m"), 60_000);
    assert.equal(parseDuration("1h2m3.5s"), 3_723_500);
    assert.equal(parseDuration("250ms"), 250);
    assert.equal(parseDuration("0"), 0);
    for (const bad of ["", "5", "1x", "m", "1m junk"]) {
      assert.throws(() => parseDuration(bad), PropertyError, bad);
    }
  });

  it("fills only prefixed, set environment variables", () => {
    const env = { env: { LAKEFSACTION_A: "1", SECRET: "2" }, prefix: "LAKEFSACTION_" };
    assert.equal(fillEnv("x{{ ENV.LAKEFSACTION_A }}y{{ENV.LAKEFSACTION_A}}", env), "x1y1");
    assert.throws(() => fillEnv("{{ ENV.SECRET }}", env), /SECRET is not allowed/);
    assert.throws(() => fillEnv("{{ ENV.LAKEFSACTION_B }}", env), /missing env var LAKEFSACTION_B/);
    assert.equal(fillEnv("no refs", env), "no refs");
  });
});

describe("hook if expressions", () => {
  it("evaluates success()/failure() with boolean operators", () => {
    const table: [string, boolean, boolean][] = [
      ["", false, true],
      ["", true, false],
      ["failure()", true, true],
      // biome-ignore lint/suspicious/noTemplateCurlyInString: lakeFS writes its expressions so
      ["${{ failure() }}", false, false],
      ["success() || failure()", true, true],
      ["!success() && true", true, true],
      ["(false || success())", false, true],
    ];
    for (const [expr, failed, want] of table)
      assert.equal(evaluateCondition(expr, failed), want, expr);
  });

  it("rejects what it cannot parse", () => {
    for (const bad of ["always(", "success() &&", "(true", "rm -rf"]) {
      assert.throws(() => evaluateCondition(bad, false), /cannot parse|unbalanced/, bad);
    }
  });
});

describe("action files", () => {
  it("parses a valid file and matches events and branches", () => {
    const action = parseAction(
      "name: check\non:\n  pre-commit:\n    branches: [main, 'dev-*']\n  post-create-tag:\nhooks:\n  - id: h1\n    type: webhook\n    properties: {url: 'http://x'}\n",
    );
    assert.equal(action.name, "check");
    assert.ok(matches(action, "pre-commit", "dev-1"));
    assert.ok(!matches(action, "pre-commit", "other"));
    assert.ok(matches(action, "post-create-tag", ""));
    assert.ok(!matches(action, "pre-merge", "main"));
  });

  it("refuses what lakeFS refuses", () => {
    const bad = [
      "- a list",
      "name: '!bad'\non: {pre-commit: }",
      "name: n\non: {}",
      "name: n\non:\n  pre-commit:\n    tags: [x]",
      "name: n\non:\n  pre-commit:\nhooks:\n  - id: '1bad'\n    type: webhook",
      "name: n\non:\n  pre-commit:\nhooks:\n  - id: h\n    type: exec",
      "name: n\non:\n  pre-commit:\n    branches: ['[oops']",
    ];
    for (const text of bad) assert.throws(() => parseAction(text), InvalidActionError, text);
  });
});

describe("run ids", () => {
  it("are 20 base32hex characters, newer ones sorting first across seconds", () => {
    const older = newRunId(Date.UTC(2026, 0, 1));
    const newer = newRunId(Date.UTC(2026, 0, 1, 0, 0, 1));
    assert.match(older, /^[0-9a-v]{20}$/);
    assert.ok(newer < older);
    assert.equal(hookRunId(0, 12), "0000_0012");
  });
});

describe("Go time layouts (Lua time module)", () => {
  it("formats and parses back what it formatted", () => {
    const layouts = [
      "2006-01-02T15:04:05-07:00",
      "2006-01-02T15:04:05Z07:00",
      "Mon, 02 Jan 2006 15:04:05 -0700",
      "January 2, 2006 3:04:05 PM",
      "20060102150405",
      "2006-002 15:04:05",
    ];
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4_000_000_000 }),
        fc.constantFrom(...layouts),
        (s, layout) => {
          assert.equal(parseGo(layout, formatGo(s, layout, "UTC")), s * 1e9);
        },
      ),
    );
  });

  it("formats in a zone with its offset, and parses offsets and fractions", () => {
    assert.equal(
      formatGo(0, "2006-01-02 15:04 -07:00 Z07:00", "Asia/Kolkata"),
      "1970-01-01 05:30 +05:30 +05:30",
    );
    assert.equal(formatGo(0, "15:04:05.000 .999 Z0700", "UTC"), "00:00:00.000  Z");
    assert.equal(parseGo("2006-01-02T15:04:05Z07:00", "1970-01-01T05:30:00.5+05:30"), 0.5e9);
    assert.equal(parseGo("02/01/06 3PM", "31/12/99 12AM"), Date.UTC(1999, 11, 31) * 1e6);
  });

  it("rejects values that do not fit the layout, as Go words it", () => {
    assert.throws(() => parseGo("2006-01-02", "2006-13-01"), /month out of range/);
    assert.throws(() => parseGo("2006-01-02", "2006-02-30"), /day out of range/);
    assert.throws(() => parseGo("2006-01-02", "06-01-02"), /cannot parse "06-01-02" as "2006"/);
    assert.throws(() => parseGo("2006", "2006 and more"), /extra text: " and more"/);
    assert.throws(() => formatGo(0, "2006", "Nowhere/City"), /unknown time zone Nowhere\/City/);
  });
});
