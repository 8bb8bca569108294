// Runs the sandbox contract against the `none` (host) backend.
import { describeSandboxContract } from "../sandbox.contract.ts";
import { noneSandboxBackend } from "./none-sandbox.ts";

describeSandboxContract(noneSandboxBackend);
