// Package mapping turns raw data that is not Livery's canonical JSON into
// canonical documents: a legacy JSON export or a CSV billing run through a
// declarative mapping profile (a YAML file), and, in the subpackage ubl,
// OASIS UBL 2.1 invoices and credit notes.
//
// Every problem is reported at once and names both ends of the mapping: the
// place in the source ("positions[3].qty", "row 17, column qty",
// "Invoice/cac:InvoiceLine[2]/cbc:InvoicedQuantity") and the canonical field
// it feeds ("lines[3].quantity"). When the mapped document fails
// render.ParseDocument, its problems are translated back to the source
// wherever the mapping knows where a field came from.
//
// Work is bounded for any input: sources, profiles and CSV rows have size
// limits, and nothing in a profile can loop. See docs/mapping.md.
package mapping
