// Public API of the pipeline shared by the frontend and the CLI.
export { compileAgain, convert, prepareConversion, RESERVED_ARGS, type ConvertInput, type Prepared } from "./convert.js";
export { formatUserErrors } from "./errors.js";
