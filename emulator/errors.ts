// NITRO errors as the emulator raises them: an HTTP status, an errorcode and a message that,
// like a real appliance's, names the offending argument in brackets.

export class NitroError extends Error {
  constructor(
    readonly status: number,
    readonly errorcode: number,
    message: string,
  ) {
    super(message);
    this.name = "NitroError";
  }
}

export const missingArgument = (name: string): NitroError => new NitroError(400, 1095, `Required argument missing [${name}]`);

export const invalidArgumentValue = (name: string, why?: string): NitroError =>
  new NitroError(400, 1097, `Invalid argument value [${name}]${why ? ` (${why})` : ""}`);

export const noSuchResource = (type: string, name: string): NitroError => new NitroError(404, 258, `No such resource [${type}, ${name}]`);

export const alreadyExists = (detail: string): NitroError => new NitroError(409, 273, `Resource already exists [${detail}]`);
