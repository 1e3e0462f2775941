// Stored outputs are read back by every later call, by whichever version of the package is
// installed then: neutral values for what an older version did not write, a clear refusal of
// what a newer one wrote.
import { expect } from "chai";
import { emptyRecordedState } from "../../provider/model";
import { OUTPUTS_VERSION, OutputsError, readOutputs, readRecordedState } from "../../provider/outputs-state";

const appliance = { url: "https://ns.example", username: "certsync", insecureSkipTlsVerify: false, allowHttp: false, timeoutSeconds: 60 };

describe("stored outputs", () => {
  it("read a minimal older form with neutral values for missing fields", () => {
    const outputs = readOutputs({ appliance, state: { schemaVersion: 1, certificates: {}, caCertkeys: {} } });
    expect(outputs).to.include({ outputsVersion: OUTPUTS_VERSION, syncName: "", description: "", appliancePassword: "", syncTrigger: null, lastWriteAt: "" });
    expect(outputs.drift).to.deep.equal([]);
    expect(outputs.state).to.deep.equal(emptyRecordedState());
  });

  it("keep a numeric sync trigger and drop non-string list entries", () => {
    const outputs = readOutputs({ appliance, syncTrigger: 7, drift: ["a", 3, null], notes: "not a list" });
    expect(outputs.syncTrigger).to.equal(7);
    expect(outputs.drift).to.deep.equal(["a"]);
    expect(outputs.notes).to.deep.equal([]);
  });

  const refused: Array<[string, unknown, RegExp]> = [
    ["no outputs at all", undefined, /missing or not an object/],
    ["no appliance", { state: {} }, /no appliance connection/],
    ["outputs of a newer format", { appliance, outputsVersion: OUTPUTS_VERSION + 1 }, /newer pulumi-netscaler-certsync .* upgrade the package/],
    ["state of a newer schema", { appliance, state: { schemaVersion: 2 } }, /schema version 2, which this version .* does not know; upgrade the package/],
  ];
  for (const [name, stored, message] of refused) {
    it(`refuse ${name}`, () => expect(() => readOutputs(stored)).to.throw(OutputsError, message));
  }

  it("take a missing state as empty", () => expect(readRecordedState({ appliance })).to.deep.equal(emptyRecordedState()));
});
