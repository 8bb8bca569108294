// Between the configuration and a run spec: what a new spec takes from the configuration, and the
// configuration a worker executes a spec with (its own, with the spec's model, sandbox, limits, judge).
import { existsSync } from "node:fs";
import path from "node:path";
import type { SlipwayConfig } from "../config/config-schema.ts";
import { InputError, ModelError } from "../core/errors.ts";
import type { RunSpec } from "../core/run-spec.ts";
import type { SpecSettings } from "../pipeline/start-run.ts";
import type { AppSettings } from "./app-context.ts";

/**
 * The model reference a spec stores: a `script:FILE` made absolute (a worker runs elsewhere) and
 * checked to exist; ModelError when no model is configured.
 */
export function storedModelReference(model: string | undefined, cwd = process.cwd()): string {
  if (model === undefined) {
    throw new ModelError("no model configured: pass --model provider:model or set model: in slipway.yaml", {
      code: "model_not_configured",
    });
  }
  if (!model.startsWith("script:")) return model;
  const file = path.resolve(cwd, model.slice("script:".length));
  if (!existsSync(file)) throw new InputError(`--model ${model}: no such file ${file}`);
  return `script:${file}`;
}

/** What a spec submitted now takes from `config` (the model reference made storable). */
export function specSettingsOf(config: SlipwayConfig): SpecSettings {
  return {
    model: storedModelReference(config.model),
    sandbox: config.sandbox.backend,
    limits: config.limits,
    judge: config.judge.enabled,
  };
}

/** The worker's settings with the spec's choices over them: the spec decides, the worker supplies the rest. */
export function settingsForSpec(settings: AppSettings, spec: RunSpec): AppSettings {
  const { config } = settings;
  return {
    ...settings,
    config: {
      ...config,
      model: spec.model,
      sandbox: { ...config.sandbox, backend: spec.sandbox },
      limits: { ...config.limits, ...spec.limits },
      judge: { ...config.judge, enabled: spec.judge },
      prices: { ...config.prices },
    },
  };
}
