// Text the demo prints: engine steps with a property diff of the inputs (what the Pulumi CLI
// shows), and what is on the emulator. Secrets are never printed, only their paths.
import { X509Certificate } from "node:crypto";
import type { EmulatorSnapshot } from "../emulator";
import { unsavedChanges } from "../emulator";
import type { CapturedResource, DeploymentResult, JsonValue, ResourceState } from "../test/harness";

const MARK: Record<string, string> = { create: "+", update: "~", replace: "+-", delete: "-", same: " ", read: ">" };
const SHORT = 60;

function isObject(value: JsonValue | undefined): value is { [key: string]: JsonValue } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function shown(value: JsonValue | undefined, secret: boolean): string {
  if (secret) return "[secret]";
  const text = JSON.stringify(value) ?? "undefined";
  if (typeof value === "string" && value.includes("-----BEGIN")) return pemSummary(value);
  return text.length > SHORT ? `${text.slice(0, SHORT)}…` : text;
}

/** "CN=www.example.test serial 0A1B…" for a certificate, else the PEM's size. */
function pemSummary(pem: string): string {
  try {
    const cert = new X509Certificate(pem);
    return `(${cert.subject.split("\n").find((part) => part.startsWith("CN=")) ?? "certificate"}, serial ${cert.serialNumber})`;
  } catch {
    return `(PEM, ${pem.length} characters)`;
  }
}

/** Property paths that differ between old and new inputs: "~ a.b: old => new", "+ a.c: new", "- a.d". */
export function inputDiff(olds: JsonValue | undefined, news: JsonValue | undefined, secretPaths: string[], prefix = ""): string[] {
  const secret = secretPaths.some((p) => p === prefix || prefix.startsWith(`${p}.`));
  if (isObject(olds) && isObject(news)) {
    const keys = [...new Set([...Object.keys(olds), ...Object.keys(news)])].filter((k) => !(prefix === "" && k.startsWith("__")));
    return keys.flatMap((key) => inputDiff(olds[key], news[key], secretPaths, prefix ? `${prefix}.${key}` : key));
  }
  if (JSON.stringify(olds) === JSON.stringify(news)) return [];
  if (olds === undefined) return [`+ ${prefix}: ${shown(news, secret)}`];
  if (news === undefined) return [`- ${prefix}`];
  return [`~ ${prefix}: ${shown(olds, secret)} => ${shown(news, secret)}`];
}

/** One line per step, the input diff under updates. */
export function formatSteps(result: DeploymentResult, before: ResourceState[], resources: CapturedResource[]): string[] {
  const lines: string[] = [];
  for (const step of result.steps) {
    const old = before.find((s) => s.urn === step.urn);
    const resource = resources.find((r) => r.urn === step.urn);
    lines.push(`  ${MARK[step.op] ?? "?"} ${step.op.padEnd(7)} ${step.name} (${resource?.type ?? old?.type ?? "resource"})`);
    if (old && resource && (step.op === "update" || step.op === "replace")) {
      for (const line of inputDiff(old.inputs, resource.plainInputs, resource.secretInputs)) lines.push(`        ${line}`);
    }
    const notes = step.op === "same" ? [] : step.outputs?.notes;
    if (Array.isArray(notes)) for (const note of notes) lines.push(`        note: ${String(note)}`);
    for (const failure of step.checkFailures ?? []) lines.push(`      check failed: ${failure.property}: ${failure.reason}`);
    if (step.error) lines.push(`      error: ${step.error}`);
  }
  if (result.steps.every((s) => s.op === "same")) lines.push("  (no changes)");
  return lines;
}

/** Certkeys, files, bindings, and whether the running configuration is saved. */
export function formatAppliance(snapshot: EmulatorSnapshot, partition = "default"): string[] {
  const running = snapshot.running[partition];
  const lines = ["  certkeys:"];
  for (const c of Object.values(running.certkeys)) {
    lines.push(`    ${c.certkey}: ${c.subject}, serial ${c.serial}, expires ${c.notAfter.slice(0, 10)}`);
    lines.push(`      cert ${c.cert}${c.key ? `, key ${c.key}` : " (CA, no key)"}${c.linkcertkeyname ? `, linked to ${c.linkcertkeyname}` : ""}`);
  }
  if (Object.keys(running.certkeys).length === 0) lines.push("    (none)");
  lines.push("  files:");
  const files = Object.entries(snapshot.files[partition] ?? {});
  for (const [name, file] of files) lines.push(`    ${name} (${file.size} bytes)`);
  if (files.length === 0) lines.push("    (none)");
  lines.push("  bindings:");
  for (const b of running.bindings) lines.push(`    ${b.vservername} <- ${b.certkeyname}${b.snicert ? " (SNI)" : ""}${b.ca ? " (CA)" : ""}`);
  if (running.bindings.length === 0) lines.push("    (none)");
  const unsaved = unsavedChanges(snapshot, partition);
  lines.push(unsaved.length === 0 ? "  saved configuration: same as running (a reboot keeps everything)" : "  saved configuration differs from running:");
  for (const line of unsaved) lines.push(`    ${line}`);
  return lines;
}
