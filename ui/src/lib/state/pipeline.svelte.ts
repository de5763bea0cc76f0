import * as api from "../api/pipeline";
import { toRapportError, type RapportError } from "../api";
import type { Deal } from "../bindings/Deal";
import type { NewDeal } from "../bindings/NewDeal";
import type { Pipeline } from "../bindings/Pipeline";
import { moveDealTo, replaceDeal, withDeal, withoutDeal } from "../pipeline/board";

export interface PipelineOptions {
  /** Called when the backend says the store is locked, so the app can re-route. */
  onLocked?: () => void;
}

/** The deal board: stages, open deals, per-stage totals, and the actions on them. */
export class PipelineState {
  board = $state.raw<Pipeline | null>(null);
  loading = $state(false);
  /** Loading the board failed. */
  error = $state<RapportError | null>(null);
  /** A move or close the backend refused (the board is already back as it was). */
  notice = $state<string | null>(null);
  /** Polite announcements for screen readers ("Moved … to …"). */
  status = $state("");

  #onLocked: (() => void) | undefined;

  constructor(options: PipelineOptions = {}) {
    this.#onLocked = options.onLocked;
  }

  dealsIn(stage: string): Deal[] {
    return this.board?.deals.filter((d) => d.stage === stage) ?? [];
  }

  deal(id: string): Deal | undefined {
    return this.board?.deals.find((d) => d.id === id);
  }

  /** Fetches the board. Never throws; a failure lands in `error`. */
  async load(): Promise<void> {
    this.loading = true;
    try {
      this.board = await api.pipeline();
      this.error = null;
    } catch (e) {
      this.error = this.#fail(e);
    } finally {
      this.loading = false;
    }
  }

  /**
   * Moves the deal on the board at once, then asks the backend; if it refuses, the deal
   * goes back (unless something moved it again meanwhile) and `notice` says why.
   * Resolves to whether the move stuck.
   */
  async move(id: string, stage: string): Promise<boolean> {
    const deal = this.deal(id);
    if (!this.board || !deal || deal.stage === stage) return false;
    const from = deal.stage;
    this.board = moveDealTo(this.board, id, stage);
    this.notice = null;
    try {
      const saved = await api.moveDeal(id, stage);
      if (this.board && this.deal(id)?.stage === saved.stage) {
        this.board = replaceDeal(this.board, saved);
      }
      this.status = `Moved “${deal.title}” to ${stage}.`;
      return true;
    } catch (e) {
      const err = this.#fail(e);
      if (this.board && this.deal(id)?.stage === stage) {
        this.board = moveDealTo(this.board, id, from);
      }
      this.notice = `Couldn't move “${deal.title}” to ${stage}: ${err.message}`;
      this.status = this.notice;
      return false;
    }
  }

  /** Marks the deal won or lost; it leaves the board once the backend agrees. */
  async close(id: string, won: boolean, reason: string | null): Promise<boolean> {
    const deal = this.deal(id);
    if (!this.board || !deal) return false;
    this.notice = null;
    try {
      await api.closeDeal(id, won, won ? null : reason);
    } catch (e) {
      const err = this.#fail(e);
      this.notice = `Couldn't mark “${deal.title}” as ${won ? "won" : "lost"}: ${err.message}`;
      this.status = this.notice;
      return false;
    }
    if (this.board) this.board = withoutDeal(this.board, id);
    this.status = `Marked “${deal.title}” as ${won ? "won" : "lost"}.`;
    return true;
  }

  /** Adds a deal. Throws RapportError (e.g. `invalid_input`) for the form to show. */
  async add(input: NewDeal): Promise<Deal> {
    let created: Deal;
    try {
      created = await api.addDeal(input);
    } catch (e) {
      throw this.#fail(e);
    }
    if (this.board) this.board = withDeal(this.board, created);
    this.status = `Added “${created.title}” to ${created.stage}.`;
    return created;
  }

  #fail(e: unknown): RapportError {
    const err = toRapportError(e);
    if (err.code === "locked") this.#onLocked?.();
    return err;
  }
}
