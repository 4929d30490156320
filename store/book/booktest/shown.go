package booktest

import "strings"

// Shown returns those of secrets (personal data of the demo org) that
// text shows, in order: what a test of masked output expects none of.
func Shown(text string, secrets []string) []string {
	var out []string
	for _, s := range secrets {
		if strings.Contains(text, s) {
			out = append(out, s)
		}
	}
	return out
}
