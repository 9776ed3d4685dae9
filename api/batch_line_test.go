package api

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestBatchDecodeLine(t *testing.T) {
	tests := []struct {
		name  string
		line  string
		slug  string   // "" for no problem
		paths []string // the field problems' paths
	}{
		{"request", `{"kit":"roastery","data":{"type":"invoice"},"formats":["pdf"]}`, "", nil},
		{"with idempotency key", `{"kit":"roastery","data":{},"idempotency_key":"run-7/line-3"}`, "", nil},
		{"spaces around", "  {\"kit\":\"roastery\"}\t", "", nil},
		{"blank", "", ProblemBadRequest, nil},
		{"whitespace", " \t ", ProblemBadRequest, nil},
		{"array", `[{"kit":"roastery"}]`, ProblemBadRequest, nil},
		{"null", `null`, ProblemBadRequest, nil},
		{"syntax", `{"kit":"roastery",}`, ProblemBadRequest, nil},
		{"cut off", `{"kit":"roastery","data":{`, ProblemBadRequest, nil},
		{"two objects", `{"kit":"a"} {"kit":"b"}`, ProblemBadRequest, nil},
		{"unknown field", `{"kit":"roastery","colour":"red"}`, ProblemValidation, []string{"colour"}},
		{"kit not a string", `{"kit":7}`, ProblemValidation, []string{"kit"}},
		{"formats not an array", `{"kit":"roastery","formats":"pdf"}`, ProblemValidation, []string{"formats"}},
		{"key not a string", `{"kit":"roastery","idempotency_key":7}`, ProblemValidation, []string{"idempotency_key"}},
		{"key empty", `{"kit":"roastery","idempotency_key":""}`, ProblemValidation, []string{"idempotency_key"}},
		{"key not ascii", `{"kit":"roastery","idempotency_key":"schl\u00fcssel"}`, ProblemValidation, []string{"idempotency_key"}},
		{"key and field wrong", `{"kit":7,"idempotency_key":null}`, ProblemValidation, []string{"idempotency_key", "kit"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decodeBatchLine([]byte(tt.line))
			if tt.slug == "" {
				require.NoError(t, err)
				return
			}
			p := ProblemFor(err)
			require.Equal(t, problemTypePrefix+tt.slug, p.Type, "detail: %s", p.Detail)
			require.NotEmpty(t, p.Detail)
			require.Equal(t, tt.paths, fieldPaths(p))
		})
	}
}

func TestBatchDecodeLineFields(t *testing.T) {
	l, err := decodeBatchLine([]byte(`{"kit":"roastery@live","type":"invoice","data":{"notes":"<b>AT&T</b>"},"formats":["txt"],"idempotency_key":"k1"}`))
	require.NoError(t, err)
	require.Equal(t, batchLine{
		DocumentRequest: DocumentRequest{Kit: "roastery@live", Type: "invoice", Data: json.RawMessage(`{"notes":"<b>AT&T</b>"}`), Formats: []string{"txt"}},
		IdempotencyKey:  "k1",
	}, l)
}
