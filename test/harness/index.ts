// The engine stand-in: capture a Pulumi program's registrations, start the real
// dynamic-provider host, and drive it like the Pulumi engine does.
export { capture, qualifyConfig, DYNAMIC_TYPE_PREFIX } from "./capture";
export type { CaptureOptions, CaptureResult, CapturedResource, StackConfig } from "./capture";
export { ProviderHost, HostCallError, DYNAMIC_PROVIDER_SCRIPT } from "./host";
export type { ProviderHostOptions, CheckResult, DiffResult, CreateResult, ReadResult } from "./host";
export { Engine } from "./engine";
export type { EngineOptions, DeploymentResult, Program, ResourceState, StepOp, StepResult } from "./engine";
export { UNKNOWN, SPECIAL_SIG_KEY, SECRET_SIG, stripSecrets, secretPaths, jsonClean, isSecretSentinel } from "./values";
export type { JsonObject, JsonValue } from "./values";
