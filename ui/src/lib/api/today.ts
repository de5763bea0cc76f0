// The Today list: who needs attention, ranked.
import { call } from "../api";
import type { TodayList } from "../bindings/TodayList";

/** At most `limit` ranked items, and how many are due in all. */
export function today(limit: number): Promise<TodayList> {
  return call("today", { limit });
}
