import type { LifecycleStage } from "../bindings/LifecycleStage";

export const STAGE_LABELS: Record<LifecycleStage, string> = {
  lead: "Lead",
  prospect: "Prospect",
  customer: "Customer",
  former: "Former",
};
