// The commands' wiring lives below cli/ (src/runs/app-context.ts), shared with the workers and the
// API; the commands keep importing it from here.
export * from "../runs/app-context.ts";
