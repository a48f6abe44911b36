import { extra } from "./extra.ts";
import { fig10 } from "./fig10.ts";
import { fig11 } from "./fig11.ts";
import { fig12 } from "./fig12.ts";
import { fig2 } from "./fig2.ts";
import { fig4 } from "./fig4.ts";
import { fig6 } from "./fig6.ts";
import { fig7 } from "./fig7.ts";
import { fig8 } from "./fig8.ts";
import type { FigureContext, FigureId, FigureOutput } from "./types.ts";

export const FIGURES: Record<FigureId, (ctx: FigureContext) => FigureOutput | Promise<FigureOutput>> = {
  fig2, fig4, fig6, fig7, fig8, fig10, fig11, fig12, extra,
};
