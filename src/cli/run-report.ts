// The run report is built below cli/ (src/runs/run-report.ts), shared with the workers and the API;
// the commands keep importing it from here.
export * from "../runs/run-report.ts";
