// Progress names that read like a good Dockerfile's: `[build server linux/arm64] go build ./cmd/server`.
import { formatPlatform, type Platform } from "../../llb/index.js";

export const names = {
  goImage: (image: string): string => `[go] unpack ${image}`,
  deps: (): string => "[deps] go mod download",
  modules: (): string => "[deps] go mod download: the build's modules, from the module cache",
  build: (binary: string, pkg: string, p: Platform): string => `[build ${binary} ${formatPlatform(p)}] go build ${pkg}`,
  test: (pkg: string): string => `[test ${pkg}] go test`,
  prepareTests: (packages: number): string => `[test] compile ${packages} packages and their dependencies`,
  prepareShared: (shared: number, packages: number): string =>
    `[test] compile ${shared} ${shared === 1 ? "package" : "packages"} shared by ${packages} tested packages`,
  prepareTestDeps: (what: string, packages: number): string => `[test] compile ${what} for ${packages} packages`,
  prepareBuilds: (what: string, binaries: number, p: Platform): string => `[build ${formatPlatform(p)}] compile ${what} for ${binaries} binaries`,
  verdict: (packages: number): string => `[test] verdict of ${packages} ${packages === 1 ? "package" : "packages"}`,
  outcomes: (packages: number): string => `[test] outcomes of ${packages} ${packages === 1 ? "package" : "packages"}`,
  reports: (packages: number): string => `[test-report] collect ${packages} ${packages === 1 ? "report" : "reports"}`,
  vet: (): string => "[vet] go vet ./...",
  lint: (image: string): string => `[lint] ${image}`,
  image: (image: string, p: Platform): string => `[image ${image} ${formatPlatform(p)}] assemble`,
  check: (image: string, check: string, p: Platform): string => `[check ${image} ${formatPlatform(p)}] ${check}`,
  binaries: (p: Platform): string => `[binaries ${formatPlatform(p)}] collect`,
  gate: (what: string): string => `[gate ${what}] wait for tests and checks`,
};
