import { call } from "../api";
import type { Deal } from "../bindings/Deal";
import type { NewDeal } from "../bindings/NewDeal";
import type { Pipeline } from "../bindings/Pipeline";

/** Stages in order, open deals and each stage's totals (per currency). */
export function pipeline(): Promise<Pipeline> {
  return call("pipeline");
}

export function addDeal(input: NewDeal): Promise<Deal> {
  return call("add_deal", { input });
}

/** `stage` is the stage's name. */
export function moveDeal(id: string, stage: string): Promise<Deal> {
  return call("move_deal", { id, stage });
}

/** `reason` is only meaningful for a lost deal. */
export function closeDeal(id: string, won: boolean, reason: string | null): Promise<Deal> {
  return call("close_deal", { id, won, reason });
}
