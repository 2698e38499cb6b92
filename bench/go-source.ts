// Go source text for the generated large module: library packages, their tests, mains and the dependency.

/** One generated library package, as the plan decided it. */
export interface PlannedPackage {
  /** Directory in the module, e.g. `internal/store/ledger`. */
  readonly dir: string;
  /** Package name: the directory's last element, unique in the module. */
  readonly name: string;
  readonly layer: number;
  /** Module directories this package imports (always from lower layers). */
  readonly imports: readonly string[];
  /** Imports the third-party module (the one the "change a dependency" scenario bumps). */
  readonly usesDep: boolean;
  readonly features: readonly FeatureId[];
  readonly tested: boolean;
  /** The one-file edit target: imports no module package and only one main imports it. */
  readonly leaf: boolean;
  /** Mixed into its checksum so packages differ. */
  readonly salt: bigint;
}

/** A generated `main` package under `cmd/`. */
export interface PlannedMain {
  readonly name: string;
  readonly dir: string;
  readonly imports: readonly string[];
}

/** Stdlib-flavoured pieces a package may carry, so packages differ in what they compile. */
export const FEATURE_IDS = ["json", "strconv", "fnv", "bits", "errors", "bytes", "unicode", "sync"] as const;
export type FeatureId = (typeof FEATURE_IDS)[number];

interface Feature {
  readonly imports: readonly string[];
  readonly code: (name: string) => string;
  readonly testImports: readonly string[];
  readonly test: (name: string) => string;
}

const FEATURES: Readonly<Record<FeatureId, Feature>> = {
  json: {
    imports: ["encoding/json"],
    code: () => `// JSON encodes r, or gives "" if it cannot.
func (r Record) JSON() string {
	b, err := json.Marshal(r)
	if err != nil {
		return ""
	}
	return string(b)
}
`,
    testImports: ["encoding/json"],
    test: () => `func TestJSONRoundTrip(t *testing.T) {
	want := Build(2)[1]
	var got Record
	if err := json.Unmarshal([]byte(want.JSON()), &got); err != nil {
		t.Fatal(err)
	}
	if got.ID != want.ID || got.Name != want.Name || got.Score != want.Score {
		t.Fatalf("round trip: got %+v, want %+v", got, want)
	}
}
`,
  },
  strconv: {
    imports: ["strconv", "strings"],
    code: (name) => `// ParseID reads the number at the end of a record name such as "${name}-item-7".
func ParseID(name string) (int, error) {
	return strconv.Atoi(name[strings.LastIndexByte(name, '-')+1:])
}
`,
    testImports: [],
    test: () => `func TestParseID(t *testing.T) {
	for _, r := range Build(5) {
		id, err := ParseID(r.Name)
		if err != nil || id != r.ID {
			t.Fatalf("ParseID(%q) = %d, %v; want %d", r.Name, id, err, r.ID)
		}
	}
}
`,
  },
  fnv: {
    imports: ["hash/fnv"],
    code: () => `// Fingerprint hashes the names of rs in order.
func Fingerprint(rs []Record) uint64 {
	h := fnv.New64a()
	for _, r := range rs {
		_, _ = h.Write([]byte(r.Name))
	}
	return h.Sum64()
}
`,
    testImports: [],
    test: () => `func TestFingerprint(t *testing.T) {
	if Fingerprint(Build(4)) != Fingerprint(Build(4)) {
		t.Fatal("fingerprint is not stable")
	}
	if Fingerprint(Build(4)) == Fingerprint(Build(3)) {
		t.Fatal("fingerprints of different record sets collide")
	}
}
`,
  },
  bits: {
    imports: ["math/bits"],
    code: () => `// Spread counts the set bits of every score.
func Spread(rs []Record) int {
	n := 0
	for _, r := range rs {
		n += bits.OnesCount64(r.Score)
	}
	return n
}
`,
    testImports: [],
    test: () => `func TestSpread(t *testing.T) {
	if Spread(nil) != 0 {
		t.Fatal("Spread(nil) != 0")
	}
	if Spread(Build(3)) == 0 {
		t.Fatal("three checksums without a set bit")
	}
}
`,
  },
  errors: {
    imports: ["errors"],
    code: (name) => `// ErrEmpty is returned by Validate for a record without a name.
var ErrEmpty = errors.New("${name}: empty name")

// Validate reports whether r can be stored.
func Validate(r Record) error {
	if r.Name == "" {
		return ErrEmpty
	}
	return nil
}
`,
    testImports: ["errors"],
    test: () => `func TestValidate(t *testing.T) {
	if !errors.Is(Validate(Record{}), ErrEmpty) {
		t.Fatal("empty record accepted")
	}
	if err := Validate(Build(1)[0]); err != nil {
		t.Fatal(err)
	}
}
`,
  },
  bytes: {
    imports: ["bytes", "fmt"],
    code: () => `// Table renders rs as tab-separated lines.
func Table(rs []Record) []byte {
	var buf bytes.Buffer
	for _, r := range rs {
		fmt.Fprintf(&buf, "%d\\t%s\\t%x\\n", r.ID, r.Name, r.Score)
	}
	return buf.Bytes()
}
`,
    testImports: ["bytes"],
    test: () => `func TestTable(t *testing.T) {
	if n := bytes.Count(Table(Build(4)), []byte("\\n")); n != 4 {
		t.Fatalf("Table has %d lines, want 4", n)
	}
}
`,
  },
  unicode: {
    imports: ["unicode"],
    code: () => `// Initials is the first letter of each record's name, upper-cased.
func Initials(rs []Record) string {
	out := make([]rune, 0, len(rs))
	for _, r := range rs {
		for _, c := range r.Name {
			if unicode.IsLetter(c) {
				out = append(out, unicode.ToUpper(c))
				break
			}
		}
	}
	return string(out)
}
`,
    testImports: [],
    test: () => `func TestInitials(t *testing.T) {
	if got := Initials(Build(3)); len(got) != 3 {
		t.Fatalf("Initials = %q, want 3 letters", got)
	}
}
`,
  },
  sync: {
    imports: ["sync"],
    code: () => `// Parallel computes Checksum(0..n-1) concurrently.
func Parallel(n int) []uint64 {
	out := make([]uint64, n)
	var wg sync.WaitGroup
	for i := range out {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			out[i] = Checksum(uint64(i))
		}(i)
	}
	wg.Wait()
	return out
}
`,
    testImports: [],
    test: () => `func TestParallel(t *testing.T) {
	got := Parallel(4)
	for i, v := range got {
		if v != Checksum(uint64(i)) {
			t.Fatalf("Parallel(4)[%d] = %x, want %x", i, v, Checksum(uint64(i)))
		}
	}
}
`,
  },
};

/** The marker the one-file edit bumps (in the leaf package) and the dependency bump changes. */
export const EDIT_MARKER = "bench-edit-0";
export const DEP_MARKER = "bench-dep-0";

function importBlock(std: readonly string[], module: readonly string[]): string {
  const groups = [[...new Set(std)].sort(), [...new Set(module)].sort()].filter((g) => g.length > 0);
  if (groups.length === 0) return "";
  return `import (\n${groups.map((g) => g.map((p) => `\t"${p}"`).join("\n")).join("\n\n")}\n)\n\n`;
}

function lastElement(dir: string): string {
  return dir.slice(dir.lastIndexOf("/") + 1);
}

/** `<name>.go`: the record type, Checksum over the imports, Build and Summary. */
export function packageSource(pkg: PlannedPackage, modulePath: string, depModule: string, layers: number): string {
  const moduleImports = [...pkg.imports.map((d) => `${modulePath}/${d}`), ...(pkg.usesDep ? [depModule] : [])];
  const mixes = pkg.imports.map((d, i) => `\th = mix(h, ${lastElement(d)}.Checksum(h+${i}))\n`).join("");
  const dep = pkg.usesDep ? `\th = ${lastElement(depModule)}.Mix(h, salt)\n` : "";
  const revision = pkg.leaf
    ? `
// Revision names this build of the package; the benchmark's one-file edit changes it.
func Revision() string { return "${EDIT_MARKER}" }
`
    : "";
  return `// Package ${pkg.name} is generated by bench/generate.ts (layer ${pkg.layer + 1} of ${layers}); edit the generator, not this file.
package ${pkg.name}

${importBlock(["fmt", "sort", "strings"], moduleImports)}// salt makes this package's checksums its own.
const salt uint64 = 0x${pkg.salt.toString(16).padStart(16, "0")}

// Record is one ${pkg.name} entry.
type Record struct {
	ID    int      \`json:"id"\`
	Name  string   \`json:"name"\`
	Tags  []string \`json:"tags"\`
	Score uint64   \`json:"score"\`
}

// Checksum mixes seed with this package's salt and the checksums of the packages it imports.
func Checksum(seed uint64) uint64 {
	h := mix(seed, salt)
${mixes}${dep}	return h
}

// Normalize lower-cases name and joins its words with '-'.
func Normalize(name string) string {
	return strings.Join(strings.Fields(strings.ToLower(name)), "-")
}

// Build makes n records, sorted by score, then by ID.
func Build(n int) []Record {
	out := make([]Record, 0, n)
	for i := 0; i < n; i++ {
		name := Normalize(fmt.Sprintf(" ${pkg.name} Item %d ", i))
		out = append(out, Record{ID: i, Name: name, Tags: tags(i), Score: Checksum(uint64(i))})
	}
	sort.Slice(out, func(a, b int) bool {
		if out[a].Score != out[b].Score {
			return out[a].Score < out[b].Score
		}
		return out[a].ID < out[b].ID
	})
	return out
}

// Summary is one line: the package, how many records, the highest score.
func Summary(rs []Record) string {
	var top uint64
	for _, r := range rs {
		if r.Score > top {
			top = r.Score
		}
	}
	return fmt.Sprintf("${pkg.name}: %d records, top %016x", len(rs), top)
}
${revision}`;
}

/** `helpers.go`: the mixing function, tags, a generic helper and the package's features. */
export function helpersSource(pkg: PlannedPackage): string {
  const features = pkg.features.map((f) => FEATURES[f]);
  return `package ${pkg.name}

${importBlock(
  features.flatMap((f) => f.imports),
  [],
)}func mix(a, b uint64) uint64 {
	a ^= b + 0x9e3779b97f4a7c15 + (a << 6) + (a >> 2)
	a ^= a >> 33
	a *= 0xff51afd7ed558ccd
	a ^= a >> 33
	return a
}

func tags(i int) []string {
	out := []string{"${pkg.name}", "layer${pkg.layer + 1}", "${pkg.name}"}
	if i%2 == 0 {
		out = append(out, "even")
	}
	return uniq(out)
}

func uniq[T comparable](xs []T) []T {
	seen := make(map[T]bool, len(xs))
	out := xs[:0:0]
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
${features.map((f) => `\n${f.code(pkg.name)}`).join("")}`;
}

/** `<name>_test.go`: properties of Checksum, Normalize, Build, Summary and of each feature. */
export function testSource(pkg: PlannedPackage): string {
  const features = pkg.features.map((f) => FEATURES[f]);
  return `package ${pkg.name}

${importBlock(["strings", "testing", ...features.flatMap((f) => f.testImports)], [])}func TestChecksumIsStable(t *testing.T) {
	if Checksum(7) != Checksum(7) {
		t.Fatal("Checksum(7) changed between calls")
	}
	if Checksum(7) == Checksum(8) {
		t.Fatal("Checksum(7) == Checksum(8)")
	}
}

func TestNormalize(t *testing.T) {
	if got := Normalize("  A  b C "); got != "a-b-c" {
		t.Fatalf("Normalize = %q, want a-b-c", got)
	}
}

func TestBuildSortedByScore(t *testing.T) {
	rs := Build(12)
	if len(rs) != 12 {
		t.Fatalf("Build(12) gave %d records", len(rs))
	}
	for i := 1; i < len(rs); i++ {
		if rs[i-1].Score > rs[i].Score {
			t.Fatalf("records not sorted by score at %d", i)
		}
	}
}

func TestSummaryNamesPackage(t *testing.T) {
	if s := Summary(Build(3)); !strings.HasPrefix(s, "${pkg.name}: 3 records") {
		t.Fatalf("Summary = %q", s)
	}
}
${features.map((f) => `\n${f.test(pkg.name)}`).join("")}`;
}

/** `cmd/<name>/main.go`: prints a summary per imported package; --version names the build. */
export function mainSource(main: PlannedMain, modulePath: string, depModule: string, leaf: PlannedPackage | undefined): string {
  const pkgs = main.imports.map((d) => lastElement(d));
  const leafName = leaf !== undefined && main.imports.includes(leaf.dir) ? leaf.name : undefined;
  const versionArgs = [`"${main.name}"`, "version", `${lastElement(depModule)}.Tag()`, ...(leafName ? [`${leafName}.Revision()`] : [])];
  return `// Command ${main.name} is generated by bench/generate.ts: it prints one summary per package it imports.
package main

${importBlock(["flag", "fmt"], [depModule, ...main.imports.map((d) => `${modulePath}/${d}`)])}// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	showVersion := flag.Bool("version", false, "print the version and exit")
	n := flag.Int("n", 3, "records per package")
	flag.Parse()
	if *showVersion {
		fmt.Println(${versionArgs.join(", ")})
		return
	}
${pkgs.map((p) => `\tfmt.Println(${p}.Summary(${p}.Build(*n)))\n`).join("")}}
`;
}

/** The local stand-in for a third-party module: `Mix` for checksums, `Tag` for --version. */
export function depSource(depModule: string): string {
  const name = lastElement(depModule);
  return `// Package ${name} stands in for a third-party dependency of the generated module (see bench/generate.ts).
package ${name}

// revision is what the benchmark's "change a dependency" scenario bumps.
const revision = "${DEP_MARKER}"

// Tag names this release of the dependency.
func Tag() string { return revision }

// Mix combines two checksums.
func Mix(a, b uint64) uint64 {
	a ^= b*0x9e3779b97f4a7c15 + uint64(len(revision))
	a ^= a >> 29
	return a * 0xbf58476d1ce4e5b9
}
`;
}
