package ui

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/store/syncer"
	"github.com/lazyforce/lazyforce/views/keytest"
)

// TestGoldenScreens renders the whole screen on every pane at two sizes in
// both themes, downsampled to 256 colours so the files are stable.
// Regenerate with: go test ./ui/... -update
func TestGoldenScreens(t *testing.T) {
	expired := func(m *Model) {
		m.deps.Sync = func(context.Context, func(syncer.Progress)) error {
			return fmt.Errorf("pull Account: %w", &sfdc.SessionExpiredError{Cause: errors.New("invalid_grant: expired access/refresh token")})
		}
	}
	screens := []struct {
		name  string
		keys  []string
		setup func(*Model)
	}{
		{"accounts", nil, nil},
		{"opportunities", []string{"2"}, nil},
		{"pipeline", []string{"3"}, nil},
		{"ask", []string{"4"}, nil},
		{"account-detail", []string{"j", "enter"}, nil},
		{"opportunity-detail", []string{"2", "enter"}, nil},
		{"help", []string{"2", "?"}, nil},
		{"prompt", []string{":", "p", "i", "p"}, nil},
		{"session-expired", []string{"r"}, expired},
		{"contacts", []string{"6"}, nil},
		{"leads", []string{"7"}, nil},
		{"contact-detail", []string{"6", "enter"}, nil},
		{"lead-detail", []string{"7", "enter"}, nil},
	}
	sizes := [][2]int{{80, 24}, {140, 40}}
	for _, s := range screens {
		for _, size := range sizes {
			keytest.EachTheme(t, fmt.Sprintf("%s/%dx%d", s.name, size[0], size[1]), func(t *testing.T, dark bool) {
				m, _ := newLoaded(t, 300, size[0], size[1], dark)
				if s.setup != nil {
					s.setup(m)
				}
				for _, k := range s.keys {
					run(m, press(m, k))
				}
				requireGoldenScreen(t, m.render(), size[0], size[1])
			})
		}
	}
}
