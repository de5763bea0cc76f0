// Timeline and follow-up commands: logging interactions, complaints, follow-ups, nudges.
import { call } from "../api";
import type { Followup } from "../bindings/Followup";
import type { Interaction } from "../bindings/Interaction";
import type { NewInteraction } from "../bindings/NewInteraction";

export function logInteraction(input: NewInteraction): Promise<Interaction> {
  return call("log_interaction", { input });
}

export function resolveComplaint(id: string): Promise<Interaction> {
  return call("resolve_complaint", { id });
}

/** `dueAt` is RFC 3339. */
export function addFollowup(customerId: string, title: string, dueAt: string): Promise<Followup> {
  return call("add_followup", { customerId, title, dueAt });
}

export function completeFollowup(id: string): Promise<Followup> {
  return call("complete_followup", { id });
}

/** `until` is RFC 3339. */
export function snoozeFollowup(id: string, until: string): Promise<Followup> {
  return call("snooze_followup", { id, until });
}

/** Hides a customer's keep-in-touch nudge until `until` (RFC 3339). */
export function snoozeNudge(customerId: string, until: string): Promise<null> {
  return call("snooze_nudge", { customerId, until });
}
