import { expect } from "chai";
import {
  caCertkeyName,
  certificateFileName,
  certkeyNameProblem,
  expandNameSchema,
  keyFileName,
  MAX_FILE_NAME_LENGTH,
  nameSchemaProblems,
  renewedCertkeyName,
  RENEWED_SUFFIX_LENGTH,
} from "../../provider/naming";

const FP = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";

describe("naming", () => {
  describe("name schema", () => {
    const cases: Array<[string, string, string]> = [
      ["certsync-{{certificateId}}", "shop", "certsync-shop"],
      ["{{certificateId}}", "a.b", "a.b"],
      ["web-{{certificateId}}-{{certificateId}}", "x", "web-x-x"],
    ];
    for (const [schema, id, expected] of cases) {
      it(`expands ${schema} with ${id}`, () => expect(expandNameSchema(schema, id)).to.equal(expected));
    }
    it("requires the placeholder", () => {
      expect(nameSchemaProblems("web-certs")[0]).to.match(/does not contain \{\{certificateId\}\}/);
      expect(nameSchemaProblems("web-{{certificateId}}")).to.deep.equal([]);
    });
  });

  describe("certkey names", () => {
    const accepted = ["certsync-shop", "_x", "9abc", "a#b.c@d=e-f_g", "x".repeat(63)];
    for (const name of accepted) it(`accepts ${name.slice(0, 20)}`, () => expect(certkeyNameProblem(name)).to.equal(undefined));

    const refused: Array<[string, RegExp]> = [
      ["", /empty/],
      ["x".repeat(64), /64 characters long; at most 63/],
      ["-leading-dash", /must start with a letter/],
      ["has/slash", /"\/"/],
      ["has,comma", /","/],
      ["has%percent", /"%"/],
      ['has"quote', /"\\""/],
      ["has'quote", /"'"/],
      ["has:colon", /break NITRO queries/],
      ["has space", /break NITRO queries/],
    ];
    for (const [name, message] of refused) {
      it(`refuses ${JSON.stringify(name.slice(0, 20))}`, () => expect(certkeyNameProblem(name)).to.match(message));
    }
    it("keeps room for the renewal suffix when asked", () => {
      const name = "x".repeat(63 - RENEWED_SUFFIX_LENGTH + 1);
      expect(certkeyNameProblem(name)).to.equal(undefined);
      expect(certkeyNameProblem(name, RENEWED_SUFFIX_LENGTH)).to.match(/minus 9 kept for the suffix/);
      expect(renewedCertkeyName("x".repeat(54), FP)).to.have.length(63);
    });
  });

  describe("file and CA names", () => {
    it("derive from the certkey name and fingerprint", () => {
      expect(certificateFileName("certsync-shop", FP)).to.equal("certsync-shop-a1b2c3d4e5f6.cer");
      expect(keyFileName("certsync-shop", FP)).to.equal("certsync-shop-a1b2c3d4e5f6.key");
      expect(caCertkeyName(FP)).to.equal("certsync-ca-a1b2c3d4e5f60718");
    });
    it("stay within the systemfile limit and its charset", () => {
      const name = certificateFileName("a#b@c=" + "y".repeat(60), FP);
      expect(name.length).to.be.at.most(MAX_FILE_NAME_LENGTH);
      expect(name).to.match(/^[A-Za-z0-9_.-]+$/);
    });
  });
});
