import { describe, expect, it } from "vitest";
import { RapportError } from "../api";
import { DEFAULT_PREFS } from "../state/prefs.svelte";
import { formatBytes } from "./format";
import { checkPassphraseForm, protectionArgs, protectionError } from "./passphrase";
import { autoLockOptions, formFromPrefs, prefsFieldOf, prefsFromForm } from "./prefsForm";

describe("passphrase forms", () => {
  it("catches a mismatched confirmation and a short passphrase", () => {
    expect(
      checkPassphraseForm("set", { current: "", next: "longenough", confirm: "longenougH" }),
    ).toEqual({ confirm: "The passphrases don't match." });
    expect(checkPassphraseForm("set", { current: "", next: "short", confirm: "" })).toEqual({
      next: "Use at least 8 characters.",
      confirm: "Type the new passphrase again to confirm it.",
    });
  });

  it("asks for the current passphrase to change or remove it", () => {
    const form = { current: "", next: "new passphrase", confirm: "new passphrase" };
    expect(checkPassphraseForm("change", form)).toEqual({
      current: "Enter your current passphrase.",
    });
    expect(checkPassphraseForm("remove", form)).toEqual({
      current: "Enter your current passphrase.",
    });
    expect(checkPassphraseForm("remove", { ...form, current: "x" })).toEqual({});
  });

  it("passes null for the keychain side", () => {
    const form = { current: "old one!", next: "new one!!", confirm: "new one!!" };
    expect(protectionArgs("set", form)).toEqual([null, "new one!!"]);
    expect(protectionArgs("change", form)).toEqual(["old one!", "new one!!"]);
    expect(protectionArgs("remove", form)).toEqual(["old one!", null]);
  });

  it("says a wrong passphrase in words, on the current field", () => {
    expect(protectionError(new RapportError("wrong_passphrase", "wrong passphrase"))).toEqual({
      field: "current",
      message: "That passphrase isn't right.",
    });
    expect(protectionError(new RapportError("io", "disk full"))).toEqual({
      field: null,
      message: "disk full",
    });
  });
});

describe("prefs form", () => {
  it("round-trips prefs", () => {
    const prefs = {
      ...DEFAULT_PREFS,
      theme: "dark" as const,
      auto_lock_minutes: 15,
      quiet_start: "21:30",
      quiet_end: "06:45",
      reminder_days: 10,
    };
    expect(prefsFromForm(formFromPrefs(prefs))).toEqual({ ok: true, value: prefs });
    expect(prefsFromForm(formFromPrefs(DEFAULT_PREFS))).toEqual({ ok: true, value: DEFAULT_PREFS });
  });

  it("reports bad days and hours per field", () => {
    const form = {
      ...formFromPrefs(DEFAULT_PREFS),
      reminderDays: "1.5",
      quiet: true,
      quietStart: "25:00",
      quietEnd: "07:00",
    };
    expect(prefsFromForm(form)).toEqual({
      ok: false,
      errors: {
        reminderDays: "Enter a whole number of days from 0 to 365.",
        quietStart: "From: a time such as 22:00.",
      },
    });
    const same = { ...form, reminderDays: "7", quietStart: "07:00" };
    expect(prefsFromForm(same)).toEqual({
      ok: false,
      errors: { quietEnd: "Until must differ from From." },
    });
  });

  it("offers the usual auto-lock times, plus one set elsewhere", () => {
    expect(autoLockOptions("off").map((o) => o.value)).toEqual(["off", "5", "15", "30", "60"]);
    expect(autoLockOptions("10").map((o) => o.value)).toEqual(["off", "5", "10", "15", "30", "60"]);
  });

  it("maps backend field names", () => {
    expect(prefsFieldOf("quiet_start: not a time")).toBe("quietStart");
    expect(prefsFieldOf("reminder_days: too many")).toBe("reminderDays");
    expect(prefsFieldOf("something")).toBeNull();
  });
});

describe("formatBytes", () => {
  it.each([
    [0, "0 bytes"],
    [1, "1 byte"],
    [999, "999 bytes"],
    [1500, "1.5 KB"],
    [12_300_000, "12 MB"],
    [2_500_000_000, "2.5 GB"],
  ])("%i reads %s", (n, text) => expect(formatBytes(n)).toBe(text));
});
