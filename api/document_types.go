package api

import (
	"encoding/json"
	"time"
)

// DocumentRequest is the body of POST /v1/documents and one line of a batch.
type DocumentRequest struct {
	// Type is "invoice", "credit_note" or "notice"; optional, but when set it
	// must equal data.type.
	Type string `json:"type,omitempty"`
	// Kit is "name", "name@N" or "name@PIN" (e.g. "roastery@live").
	Kit string `json:"kit"`
	// Data is the document in Livery's canonical JSON (docs/input.md).
	Data json.RawMessage `json:"data"`
	// Formats are any of "pdf", "html", "txt"; default pdf and html.
	Formats []string `json:"formats,omitempty"`
}

// KitRef names the exact kit version a document was rendered with.
type KitRef struct {
	Name    string `json:"name"`
	Version int    `json:"version"`
	Hash    string `json:"hash"`
}

// StoredFormat is one stored rendition of a document.
type StoredFormat struct {
	Key         string `json:"key"` // storage key, content-addressed
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
	URL         string `json:"url"` // download path on this server
}

// DocumentRecord is what POST /v1/documents answers and GET
// /v1/documents/{id} returns.
type DocumentRecord struct {
	ID      string                  `json:"id"`
	Type    string                  `json:"type"`
	Number  string                  `json:"number,omitempty"` // invoice number or notice reference
	Kit     KitRef                  `json:"kit"`
	Created time.Time               `json:"created"`
	Formats map[string]StoredFormat `json:"formats"`
}
