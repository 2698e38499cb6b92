// Public API of the pipeline shared by the frontend and the CLI.
export { convert, RESERVED_ARGS, type ConvertInput } from "./convert.js";
export { formatUserErrors } from "./errors.js";
