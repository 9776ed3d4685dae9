package main

import (
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/liveryhq/livery/brandkits"
	"github.com/liveryhq/livery/fonts"
)

// writeFontConfig installs the fonts Livery's PDFs embed for the HTML tools,
// as render/visualtest does for its Chromium: every bundled family and each
// kit's own fonts go into dir/fonts, and a fontconfig file adds that folder
// to the system's fonts. It returns the file, for FONTCONFIG_FILE.
//
// Why: Livery's HTML names its fonts (an e-mail cannot embed them) and falls
// back to Arial or Georgia where they are missing. A tool laying the invoice
// out in another font would be measured on other work than Livery's PDF.
//
// The font cache is built here, untimed, when fc-cache is installed; else
// the first (untimed) run of each tool builds it.
func writeFontConfig(dir string, kits []*brandkits.Kit) (string, error) {
	fontDir := filepath.Join(dir, "fonts")
	if err := os.MkdirAll(fontDir, 0o755); err != nil {
		return "", err
	}
	write := func(name string, data []byte) error {
		return os.WriteFile(filepath.Join(fontDir, name), data, 0o644)
	}
	for _, slug := range fonts.Slugs() {
		fam, _ := fonts.Lookup(slug)
		base := strings.ReplaceAll(fam.Name, " ", "")
		if err := write(base+"-Regular.ttf", fam.Regular); err != nil {
			return "", err
		}
		if err := write(base+"-Bold.ttf", fam.Bold); err != nil {
			return "", err
		}
	}
	for _, k := range kits {
		for name, data := range k.Fonts {
			if strings.HasSuffix(strings.ToLower(name), ".ttf") {
				if err := write(k.Name+"-"+filepath.Base(name), data); err != nil {
					return "", err
				}
			}
		}
	}
	conf := filepath.Join(dir, "fonts.conf")
	err := os.WriteFile(conf, []byte(`<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>`+html.EscapeString(fontDir)+`</dir>
  <cachedir>`+html.EscapeString(filepath.Join(dir, "fontcache"))+`</cachedir>
</fontconfig>
`), 0o644)
	if err != nil {
		return "", err
	}
	if fcCache, err := exec.LookPath("fc-cache"); err == nil {
		cmd := exec.Command(fcCache)
		cmd.Env = append(os.Environ(), "FONTCONFIG_FILE="+conf)
		_ = cmd.Run() // a missing cache only makes the untimed first run slower
	}
	return conf, nil
}
