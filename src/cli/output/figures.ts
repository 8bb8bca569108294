// The figures' one style lives below cli/ (src/report/figures.ts), where the PR body and the
// verification summary use it too; the CLI's modules keep importing it from here.
export {
  formatCost,
  formatDuration,
  formatElapsed,
  formatTokens,
  roundUsd,
  toJson,
} from "../../report/figures.ts";
