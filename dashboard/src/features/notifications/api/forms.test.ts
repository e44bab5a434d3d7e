// The notification forms check what the API checks, and describe rules and deliveries in one line.
import { describe, expect, it } from "vitest";

import type { NotificationDelivery, NotificationRule } from "@/types/api";

import { describeRule, isHttpUrl, lastTry, parseChannel, parseRule, type RuleDraft } from "./forms";

const draft: RuleDraft = {
  name: "Night",
  channelId: "c-1",
  events: ["opened"],
  minPriority: "HIGH",
  siteId: "",
  lineId: "",
  roles: ["engineer"],
  userIds: [],
  assignee: false,
  unackMinutes: "",
  quietStart: "",
  quietEnd: "",
  quietTz: "UTC",
};

describe("parseChannel", () => {
  it("accepts an https webhook and keeps the secret only when given", () => {
    const parsed = parseChannel({
      name: " ERP ",
      kind: "webhook",
      url: "https://erp.example/h",
      format: "generic",
      secret: "",
    });
    expect(parsed.body).toEqual({
      name: "ERP",
      kind: "webhook",
      url: "https://erp.example/h",
      format: "generic",
      enabled: true,
    });
  });

  it("refuses other schemes and short secrets, saying where", () => {
    const parsed = parseChannel({
      name: "",
      kind: "webhook",
      url: "ftp://x",
      format: "slack",
      secret: "short",
    });
    expect(parsed.body).toBeUndefined();
    expect(Object.keys(parsed.errors).sort()).toEqual(["name", "secret", "url"]);
  });

  it("sends no url for an e-mail channel", () => {
    expect(
      parseChannel({ name: "Mail", kind: "email", url: "junk", format: "generic", secret: "" }).body,
    ).toEqual({
      name: "Mail",
      kind: "email",
      format: "generic",
      enabled: true,
    });
  });

  it("knows http(s) URLs", () => {
    expect(isHttpUrl("http://10.0.0.1:8080/x")).toBe(true);
    expect(isHttpUrl("javascript:alert(1)")).toBe(false);
    expect(isHttpUrl("not a url")).toBe(false);
  });
});

describe("parseRule", () => {
  it("builds the API body with quiet hours", () => {
    const parsed = parseRule(
      { ...draft, quietStart: "22:00", quietEnd: "06:00", quietTz: "Europe/Berlin" },
      "email",
    );
    expect(parsed.errors).toEqual({});
    expect(parsed.body).toMatchObject({
      quiet_start: "22:00",
      quiet_end: "06:00",
      quiet_tz: "Europe/Berlin",
      roles: ["engineer"],
    });
  });

  it("needs minutes for the unacknowledged event", () => {
    expect(
      parseRule({ ...draft, events: ["unacknowledged"], unackMinutes: "0" }, "webhook").errors.unackMinutes,
    ).toBeTruthy();
    expect(
      parseRule({ ...draft, events: ["unacknowledged"], unackMinutes: "15" }, "webhook").body?.unack_minutes,
    ).toBe(15);
  });

  it("refuses half or empty quiet hours, unknown zones and an e-mail rule that reaches nobody", () => {
    expect(parseRule({ ...draft, quietStart: "22:00" }, "email").errors.quiet).toBeTruthy();
    expect(
      parseRule({ ...draft, quietStart: "22:00", quietEnd: "22:00" }, "email").errors.quiet,
    ).toBeTruthy();
    expect(parseRule({ ...draft, quietTz: "Mars/Olympus" }, "email").errors.quietTz).toBeTruthy();
    expect(parseRule({ ...draft, roles: [] }, "email").errors.roles).toBeTruthy();
    expect(parseRule({ ...draft, roles: [] }, "webhook").errors).toEqual({});
  });

  it("scopes a rule to a site or, more narrowly, a line, and names people beside roles", () => {
    expect(parseRule({ ...draft, siteId: "s-1" }, "email").body).toMatchObject({
      site_id: "s-1",
      line_id: null,
    });
    // A line is on one site: the line alone says where.
    expect(parseRule({ ...draft, siteId: "s-1", lineId: "l-2" }, "email").body).toMatchObject({
      site_id: null,
      line_id: "l-2",
    });
    const named = parseRule({ ...draft, roles: [], userIds: ["u-7"] }, "email");
    expect(named.errors).toEqual({});
    expect(named.body).toMatchObject({ roles: [], user_ids: ["u-7"] });
    // A webhook goes to its URL: people are for e-mail only.
    expect(parseRule({ ...draft, userIds: ["u-7"] }, "webhook").body?.user_ids).toEqual([]);
  });
});

describe("describeRule and lastTry", () => {
  it("summarise a rule in one line", () => {
    const parsed = parseRule(
      {
        ...draft,
        events: ["opened", "unacknowledged"],
        unackMinutes: "30",
        quietStart: "22:00",
        quietEnd: "06:00",
      },
      "email",
    );
    if (!parsed.body) throw new Error("the draft should parse");
    const rule: NotificationRule = {
      ...parsed.body,
      id: "r-1",
      created_at: "2026-12-07T10:00:00Z",
      quiet_start: "22:00:00",
      quiet_end: "06:00:00",
    };
    expect(describeRule(rule)).toBe(
      "opened, unacknowledged 30 min · HIGH and above · to engineers · quiet 22:00–06:00 UTC (except CRITICAL)",
    );
  });

  it("names the line and the people a rule reaches", () => {
    const parsed = parseRule({ ...draft, lineId: "l-2", userIds: ["u-7"], assignee: true }, "email");
    if (!parsed.body) throw new Error("the draft should parse");
    const rule: NotificationRule = { ...parsed.body, id: "r-2", created_at: "2026-12-07T10:00:00Z" };
    const names = { lines: new Map([["l-2", "Lyon / L2"]]), people: new Map([["u-7", "Ana Ops"]]) };
    expect(describeRule(rule, names)).toBe(
      "opened · HIGH and above · on line Lyon / L2 · to engineers, Ana Ops, the assignee",
    );
  });

  it("shows the last answer, or why nothing was tried", () => {
    const base = { tries: [], held: false } as unknown as NotificationDelivery;
    expect(lastTry({ ...base, held: true })).toBe("held by quiet hours");
    expect(lastTry(base)).toBe("waiting");
    const tried = {
      ...base,
      tries: [{ at: "", ok: false, status_code: 503, error: "HTTP 503: busy", duration_ms: 3 }],
    };
    expect(lastTry(tried)).toBe("HTTP 503: busy");
    const ok = { ...base, tries: [{ at: "", ok: true, status_code: 204, error: null, duration_ms: 12.4 }] };
    expect(lastTry(ok)).toBe("204 in 12 ms");
  });
});
