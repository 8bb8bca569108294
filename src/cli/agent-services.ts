// The agent's services are built below cli/ (src/runs/agent-services.ts), shared with the workers
// and the API; the commands keep importing them from here.
export * from "../runs/agent-services.ts";
