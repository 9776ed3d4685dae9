package main

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/liveryhq/livery/brandkits"
	"github.com/liveryhq/livery/mapping"
)

// createdRE matches a version's creation time as listings print it.
const createdRE = `\d{4}-\d\d-\d\d \d\d:\d\d`

// mustRunCLI runs the command line args, which must succeed, and returns
// what it printed.
func mustRunCLI(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errOut := runCLI(t, args...)
	require.Equal(t, 0, code, "%v: %s", args, errOut)
	return out
}

// mustDecode decodes the JSON a command printed.
func mustDecode[T any](t *testing.T, out string) T {
	t.Helper()
	var v T
	require.NoError(t, json.Unmarshal([]byte(out), &v), out)
	return v
}

// cliFailure is a command line that must exit with code, saying want on
// stderr.
type cliFailure struct {
	args []string
	code int
	want string
}

func assertCLIFailures(t *testing.T, failures []cliFailure) {
	t.Helper()
	for _, f := range failures {
		code, _, errOut := runCLI(t, f.args...)
		assert.Equal(t, f.code, code, "%v", f.args)
		assert.Contains(t, errOut, f.want, "%v", f.args)
	}
}

// TestKitListAndPinOutput pins down, byte for byte, what kit list and kit
// pin print: every reference form pin takes, retired kits, JSON.
func TestKitListAndPinOutput(t *testing.T) {
	store := "file://" + t.TempDir()
	mustRunCLI(t, "kit", "publish", copyKit(t, "roastery"), "--note", "v1", "--author", "ada", "--storage", store)
	mustRunCLI(t, "kit", "publish", copyKit(t, "insurer"), "--note", "hello", "--author", "bob", "--storage", store)

	assert.Equal(t, "roastery@live -> roastery@1\n", mustRunCLI(t, "kit", "pin", "--storage", store, "roastery@1", "live"))
	assert.Equal(t, "roastery@beta -> roastery@1\n", mustRunCLI(t, "kit", "pin", "--storage", store, "roastery", "beta"))
	assert.Equal(t, "roastery@gamma -> roastery@1\n", mustRunCLI(t, "kit", "pin", "--storage", store, "roastery@live", "gamma"))
	assert.Equal(t, "insurer retired\n", mustRunCLI(t, "kit", "retire", "--storage", store, "insurer"))

	assert.Equal(t, "insurer\tlatest 1\tno pins\tretired\nroastery\tlatest 1\tpins beta=1 gamma=1 live=1\n",
		mustRunCLI(t, "kit", "list", "--storage", store))
	assert.Regexp(t, `^roastery\tpins beta=1 gamma=1 live=1\n  @1\t`+createdRE+`\tada\tsha256:[0-9a-f]{12}\tv1\n$`,
		mustRunCLI(t, "kit", "list", "--storage", store, "roastery"))
	assert.Regexp(t, `^insurer\tno pins\tretired\n  @1\t`+createdRE+`\tbob\tsha256:[0-9a-f]{12}\thello\n$`,
		mustRunCLI(t, "kit", "list", "--storage", store, "insurer"))

	assert.Equal(t, `[{"name":"insurer","latest":1,"pins":{},"retired":true},`+
		`{"name":"roastery","latest":1,"pins":{"beta":1,"gamma":1,"live":1},"retired":false}]`+"\n",
		mustRunCLI(t, "kit", "list", "--json", "--storage", store))
	sum := mustDecode[brandkits.Summary](t, mustRunCLI(t, "kit", "list", "--json", "--storage", store, "roastery"))
	require.Len(t, sum.Versions, 1)
	assert.Equal(t, "ada", sum.Versions[0].Author)
	assert.NotEmpty(t, sum.Versions[0].Assets, "the kit's own JSON, assets included")

	assertCLIFailures(t, []cliFailure{
		{[]string{"kit", "list", "--storage", store, "a", "b"}, 2, "usage: livery kit list [NAME]\n"},
		{[]string{"kit", "pin", "--storage", store, "roastery@1"}, 2, "usage: livery kit pin NAME@N PIN\n"},
		{[]string{"kit", "publish", "--note", "x", "--storage", store}, 2, "usage: livery kit publish DIR --note TEXT\n"},
		{[]string{"kit", "pin", "--storage", store, "roastery@9", "live"}, 1, "no version 9"},
		{[]string{"kit", "pin", "--storage", store, "roastery@1", "Live"}, 1, `pin "Live" must be lower case`},
		{[]string{"kit", "pin", "--storage", store, "Roastery", "live"}, 1, "must be lower case: roastery"},
	})
}

// TestProfileListAndPinOutput is TestKitListAndPinOutput for profiles,
// whose version lines show the target.
func TestProfileListAndPinOutput(t *testing.T) {
	store := "file://" + t.TempDir()
	const sap, billing = "../../samples/sources/sap-export.yaml", "../../samples/sources/billing-run.yaml"
	assert.Regexp(t, `^published sap-export@1 sha256:[0-9a-f]{64}\n$`,
		mustRunCLI(t, "profile", "publish", sap, "--note", "first", "--author", "ada", "--storage", store))
	mustRunCLI(t, "profile", "publish", "--storage", store, billing, "--note", "csv", "--author", "bob")

	assert.Equal(t, "sap-export@live -> sap-export@1\n", mustRunCLI(t, "profile", "pin", "--storage", store, "sap-export@1", "live"))
	assert.Equal(t, "sap-export@beta -> sap-export@1\n", mustRunCLI(t, "profile", "pin", "--storage", store, "sap-export", "beta"))
	assert.Equal(t, "sap-export@gamma -> sap-export@1\n", mustRunCLI(t, "profile", "pin", "--storage", store, "sap-export@live", "gamma"))
	assert.Equal(t, "billing-run@live -> billing-run@1\n", mustRunCLI(t, "profile", "pin", "--storage", store, "billing-run@1", "live"))

	assert.Equal(t, "billing-run\tlatest 1\tpins live=1\nsap-export\tlatest 1\tpins beta=1 gamma=1 live=1\n",
		mustRunCLI(t, "profile", "list", "--storage", store))
	assert.Regexp(t, `^sap-export\tpins beta=1 gamma=1 live=1\n  @1\t`+createdRE+`\tinvoice\tada\tsha256:[0-9a-f]{12}\tfirst\n$`,
		mustRunCLI(t, "profile", "list", "--storage", store, "sap-export"))

	assert.Equal(t, `[{"name":"billing-run","latest":1,"pins":{"live":1},"retired":false},`+
		`{"name":"sap-export","latest":1,"pins":{"beta":1,"gamma":1,"live":1},"retired":false}]`+"\n",
		mustRunCLI(t, "profile", "list", "--json", "--storage", store))
	sum := mustDecode[mapping.Summary](t, mustRunCLI(t, "profile", "list", "--json", "--storage", store, "billing-run"))
	require.Len(t, sum.Versions, 1)
	assert.Equal(t, "invoice", sum.Versions[0].Target)
	assert.Equal(t, "csv", sum.Versions[0].Note)

	assertCLIFailures(t, []cliFailure{
		{[]string{"profile", "list", "--storage", store, "a", "b"}, 2, "usage: livery profile list [NAME]\n"},
		{[]string{"profile", "pin", "--storage", store, "sap-export@1"}, 2, "usage: livery profile pin NAME@N PIN\n"},
		{[]string{"profile", "publish", sap, "--storage", store}, 2, "--note is required"},
		{[]string{"profile", "pin", "--storage", store, "sap-export@9", "live"}, 1, "no version 9"},
		{[]string{"profile", "pin", "--storage", store, "sap-export@1", "Live"}, 1, `pin "Live" is not a pin name`},
	})
}
