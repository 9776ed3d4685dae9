// Package ubl reads OASIS UBL 2.1 invoices and credit notes, as Peppol BIS
// Billing 3.0 and EN 16931 use them, into Livery's canonical invoice and
// credit note. No profile is needed: the mapping is fixed (docs/mapping.md
// has the table). Problems name the UBL element by an XPath-like path
// ("Invoice/cac:InvoiceLine[2]/cbc:InvoicedQuantity") and the canonical
// field it maps to, in a *mapping.Error.
//
// The reader is built for hostile input: DOCTYPE and ENTITY declarations are
// refused outright (no XXE, no entity expansion), and input size, element
// depth and element count are capped.
package ubl
