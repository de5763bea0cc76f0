import type { Prefs } from "../bindings/Prefs";
import type { Theme } from "../bindings/Theme";

/** The preference fields as the Settings form holds them. */
export interface PrefsForm {
  theme: Theme;
  /** "off" or a number of minutes. */
  autoLock: string;
  notifications: boolean;
  /** Do-not-disturb hours on. */
  quiet: boolean;
  quietStart: string;
  quietEnd: string;
  reminderDays: string;
}

export type PrefsField = keyof PrefsForm;
export type PrefsErrors = Partial<Record<PrefsField, string>>;
export type PrefsResult = { ok: true; value: Prefs } | { ok: false; errors: PrefsErrors };

export const THEMES: { value: Theme; label: string }[] = [
  { value: "system", label: "Match the system" },
  { value: "light", label: "Light" },
  { value: "dark", label: "Dark" },
];

const AUTO_LOCK_MINUTES = [5, 15, 30, 60];

/** The auto-lock choices, plus the current value if it was set elsewhere (the CLI). */
export function autoLockOptions(current: string): { value: string; label: string }[] {
  const minutes = [...AUTO_LOCK_MINUTES];
  const n = Number(current);
  if (current !== "off" && Number.isInteger(n) && n > 0 && !minutes.includes(n)) {
    minutes.push(n);
    minutes.sort((a, b) => a - b);
  }
  return [
    { value: "off", label: "Never" },
    ...minutes.map((m) => ({
      value: String(m),
      label: m === 60 ? "After 1 hour" : `After ${m} minutes`,
    })),
  ];
}

export const DEFAULT_QUIET = { start: "22:00", end: "07:00" };

export function formFromPrefs(p: Prefs): PrefsForm {
  const quiet = p.quiet_start !== null && p.quiet_end !== null;
  return {
    theme: p.theme,
    autoLock: p.auto_lock_minutes === null ? "off" : String(p.auto_lock_minutes),
    notifications: p.notifications,
    quiet,
    quietStart: p.quiet_start ?? DEFAULT_QUIET.start,
    quietEnd: p.quiet_end ?? DEFAULT_QUIET.end,
    reminderDays: String(p.reminder_days),
  };
}

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
export const MAX_REMINDER_DAYS = 365;

/** Checks the form and builds the Prefs to save; every problem is reported at once. */
export function prefsFromForm(form: PrefsForm): PrefsResult {
  const errors: PrefsErrors = {};

  const days = Number(form.reminderDays.trim());
  if (
    form.reminderDays.trim() === "" ||
    !Number.isInteger(days) ||
    days < 0 ||
    days > MAX_REMINDER_DAYS
  ) {
    errors.reminderDays = `Enter a whole number of days from 0 to ${MAX_REMINDER_DAYS}.`;
  }

  if (form.quiet) {
    if (!TIME.test(form.quietStart)) errors.quietStart = "From: a time such as 22:00.";
    if (!TIME.test(form.quietEnd)) errors.quietEnd = "Until: a time such as 07:30.";
    else if (form.quietStart === form.quietEnd) {
      errors.quietEnd = "Until must differ from From.";
    }
  }

  const minutes = form.autoLock === "off" ? null : Number(form.autoLock);
  if (minutes !== null && (!Number.isInteger(minutes) || minutes <= 0)) {
    errors.autoLock = "Choose when to lock.";
  }

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      theme: form.theme,
      auto_lock_minutes: minutes,
      notifications: form.notifications,
      quiet_start: form.quiet ? form.quietStart : null,
      quiet_end: form.quiet ? form.quietEnd : null,
      reminder_days: days,
    },
  };
}

/** Which field a backend message ("quiet_start: not a time") is about. */
export function prefsFieldOf(message: string): PrefsField | null {
  const fields: Record<string, PrefsField> = {
    theme: "theme",
    auto_lock_minutes: "autoLock",
    notifications: "notifications",
    quiet_start: "quietStart",
    quiet_end: "quietEnd",
    reminder_days: "reminderDays",
  };
  return fields[message.split(":", 1)[0]?.trim() ?? ""] ?? null;
}
