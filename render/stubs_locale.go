package render

// STUB: replaced by locale.go (locale helper).
type locale struct{}
