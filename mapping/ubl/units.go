package ubl

// units turns UN/ECE Recommendation 20 unit codes, which UBL quantities
// carry in unitCode, into the symbols an invoice prints in any language.
// Codes that only say "a piece" print no unit; any other code is printed as
// it is, for a brand kit's vocabulary to rename ("DAY" → "Tage").
var units = map[string]string{
	"C62": "", "H87": "", "EA": "", "XPP": "", "PCE": "", "NAR": "",
	"HUR": "h", "MIN": "min", "SEC": "s",
	"KGM": "kg", "GRM": "g", "TNE": "t", "MGM": "mg",
	"MTR": "m", "CMT": "cm", "MMT": "mm", "KMT": "km",
	"MTK": "m²", "MTQ": "m³", "LTR": "l", "MLT": "ml",
	"KWH": "kWh", "MWH": "MWh", "KWT": "kW", "E34": "GB",
}
