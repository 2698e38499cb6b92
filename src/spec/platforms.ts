// Go's GOOS/GOARCH names, used to suggest a fix for a platform the schema rejected.
import { suggest } from "./did-you-mean.js";

/** GOOS values a target platform may name (`go tool dist list`, Go 1.23). */
export const GOOS: readonly string[] = [
  "aix",
  "android",
  "darwin",
  "dragonfly",
  "freebsd",
  "illumos",
  "ios",
  "js",
  "linux",
  "netbsd",
  "openbsd",
  "plan9",
  "solaris",
  "wasip1",
  "windows",
];

/** GOARCH values a target platform may name (`go tool dist list`, Go 1.23). */
export const GOARCH: readonly string[] = [
  "386",
  "amd64",
  "arm",
  "arm64",
  "loong64",
  "mips",
  "mips64",
  "mips64le",
  "mipsle",
  "ppc64",
  "ppc64le",
  "riscv64",
  "s390x",
  "wasm",
];

/** Names from uname and distributions that mean a Go architecture. */
const ARCH_ALIASES: Readonly<Record<string, string>> = {
  x86_64: "amd64",
  "x86-64": "amd64",
  x64: "amd64",
  aarch64: "arm64",
  armhf: "arm/v7",
  armel: "arm/v6",
  i386: "386",
  i686: "386",
  x86: "386",
};

/**
 * The platform the user probably meant, in os/arch[/variant] form, or undefined when no
 * confident guess exists (or the value is already well-formed).
 */
export function suggestPlatform(value: string): string | undefined {
  const parts = value
    .trim()
    .toLowerCase()
    .split(/[/\s]+|[-_](?!64)/)
    .filter((p) => p !== "");
  const [os, arch, ...variant] = parts;
  if (os === undefined || arch === undefined || variant.length > 1) return undefined;
  const goos = GOOS.includes(os) ? os : suggest(os, GOOS);
  const alias = Object.hasOwn(ARCH_ALIASES, arch) ? ARCH_ALIASES[arch] : undefined;
  const goarch = alias ?? (GOARCH.includes(arch) ? arch : suggest(arch, GOARCH));
  if (goos === undefined || goarch === undefined) return undefined;
  const guess = [goos, goarch, ...variant].join("/");
  return guess === value ? undefined : guess;
}
