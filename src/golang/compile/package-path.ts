// A package the spec names, as go will read it: a path inside the module, or another module's import path — never a flag.
import { IMPORT_PATH_ELEMENT } from "../go-mod.js";

/** Where a package the spec names lives. */
export type PackageRef =
  /** In the module: `./dir` (or `.`), cleaned, never above the module root. */
  | { readonly kind: "local"; readonly dir: string }
  /** Another module's package, e.g. `golang.org/x/tools/cmd/stringer`. */
  | { readonly kind: "external"; readonly importPath: string }
  | { readonly kind: "invalid"; readonly message: string };

/**
 * Reads a package path the spec gives (`./cmd/x`, `cmd/x`, `<module>/cmd/x`, another module's
 * path). The result is what goes on go's command line, so it can never start with `-`, hold
 * white space, name a pattern (`...`) or leave the module.
 */
export function packageRef(pkg: string, modulePath: string): PackageRef {
  const invalid = (why: string): PackageRef => ({ kind: "invalid", message: `'${pkg}' is not a package path: ${why}` });
  if (pkg === "") return invalid("it is empty; write ./cmd/name");
  if (pkg.startsWith("-")) return invalid("a package cannot start with '-' (it would be a flag of go); write ./cmd/name");
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this check refuses.
  if (/[\s\\]|[\u0000-\u001f\u007f]/.test(pkg)) return invalid("it holds white space, a backslash or a control character");
  if (pkg.includes("...")) return invalid("'...' patterns name many packages; list each package");
  if (pkg.startsWith("/")) return invalid("it is absolute; write it relative to the module, such as ./cmd/name");
  let rel: string;
  if (pkg === modulePath) rel = "";
  else if (pkg.startsWith(`${modulePath}/`)) rel = pkg.slice(modulePath.length + 1);
  else if (pkg === "." || pkg === ".." || pkg.startsWith("./") || pkg.startsWith("../") || !firstElement(pkg).includes(".")) rel = pkg;
  else return externalRef(pkg, invalid);
  const parts: string[] = [];
  for (const part of rel.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (parts.length === 0) return invalid(`it leaves the module ${modulePath}`);
      parts.pop();
    } else parts.push(part);
  }
  return { kind: "local", dir: parts.length === 0 ? "." : `./${parts.join("/")}` };
}

function externalRef(pkg: string, invalid: (why: string) => PackageRef): PackageRef {
  const elements = pkg.split("/");
  if (elements.some((e) => e === "" || e === "." || e === ".." || !IMPORT_PATH_ELEMENT.test(e) || e.startsWith("-"))) {
    return invalid("an import path is elements of letters, digits and -._~+ separated by /");
  }
  return { kind: "external", importPath: pkg };
}

function firstElement(pkg: string): string {
  const slash = pkg.indexOf("/");
  return slash < 0 ? pkg : pkg.slice(0, slash);
}
