import type { Row } from "../charts.ts";
import type { Experiments, Protocol } from "../experiments.ts";
import type { VegaLiteSpec } from "../plot.ts";

export interface FigureContext {
  exp: Experiments;
  /** The protocol of the main figures; the other one is shown beside it where the paper is ambiguous. */
  protocol: Protocol;
}

/** Our number next to the paper's, for the report's comparison table. */
export interface Comparison {
  key: string;
  what: string;
  ours: number;
  paper: number;
  where: string;
  /** Our value under every protocol (the main one included). */
  oursByProtocol?: Partial<Record<Protocol, number>>;
  /** Our value (main protocol) under each PIM compute semantics (the main one included). */
  oursBySemantics?: Partial<Record<string, number>>;
  /** Our value (main protocol and semantics) under each assumption profile (the main one first). */
  oursByProfile?: Partial<Record<string, number>>;
}

export interface FigureOutput {
  id: string;
  title: string;
  charts: { name: string; spec: VegaLiteSpec; caption: string }[];
  tables: { name: string; rows: Row[] }[];
  /** Markdown body of the figure's report section (after the charts). */
  markdown: string;
  /** This figure's part of `papi reproduce --json`. */
  summary?: Record<string, unknown>;
  comparisons?: Comparison[];
}

export type FigureId = "fig2" | "fig4" | "fig6" | "fig7" | "fig8" | "fig10" | "fig11" | "fig12" | "extra";
export const FIGURE_IDS: readonly FigureId[] = ["fig2", "fig4", "fig6", "fig7", "fig8", "fig10", "fig11", "fig12", "extra"];

export const fmt = (x: number, digits = 2): string => (Number.isFinite(x) ? x.toFixed(digits) : String(x));
/** A cell that reads as a number ("1.81x", "12 %", "x0.28", "—"), so its column is right-aligned. */
const NUMERIC_CELL = /^(x?[-+]?\d[\d.,]*(e[-+]?\d+)?\s*(x|%|✗|\s✗)*|—|)$/;
/** A pipe table; columns whose every cell is a number are right-aligned so digits line up. */
export const mdTable = (header: string[], rows: (string | number)[][]): string => {
  const numeric = header.map((_, k) => rows.length > 0 && rows.every((r) => NUMERIC_CELL.test(String(r[k] ?? "").replace(/\*\*/g, "").trim())));
  return [`| ${header.join(" | ")} |`, `|${numeric.map((n) => (n ? "---:" : "---")).join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
};
