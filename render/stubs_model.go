package render

// STUB: replaced by decimal.go and date.go (model helper).

// Decimal is an exact decimal number.
type Decimal struct{}

// Date is a calendar date.
type Date struct{}
