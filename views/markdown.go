package views

import (
	"fmt"
	"sync"

	"charm.land/glamour/v2"
	"charm.land/glamour/v2/styles"
)

// Markdown renders answers with Glamour. It memoizes one TermRenderer per
// width and theme (building one parses a style); a TermRenderer is not
// safe for concurrent Render, so each is used under its own lock. It is
// shared by the render commands of one pane and safe for concurrent use
// (STYLE.md §5).
type Markdown struct {
	mu        sync.Mutex
	renderers map[markdownKey]*lockedRenderer
}

type markdownKey struct {
	width int
	dark  bool
}

type lockedRenderer struct {
	mu sync.Mutex
	r  *glamour.TermRenderer
}

// NewMarkdown returns an empty renderer cache.
func NewMarkdown() *Markdown {
	return &Markdown{renderers: map[markdownKey]*lockedRenderer{}}
}

// maxRenderers bounds the memo: a resize storm makes one per width.
const maxRenderers = 8

// Render renders md wrapped at width cells in Glamour's "dark" or "light"
// style (the standard styles 'lazyforce ask' uses, see renderer).
func (m *Markdown) Render(md string, width int, dark bool) (string, error) {
	lr, err := m.renderer(width, dark)
	if err != nil {
		return "", err
	}
	lr.mu.Lock()
	defer lr.mu.Unlock()
	out, err := lr.r.Render(md)
	if err != nil {
		return "", fmt.Errorf("render the answer: %w", err)
	}
	return out, nil
}

func (m *Markdown) renderer(width int, dark bool) (*lockedRenderer, error) {
	k := markdownKey{width: width, dark: dark}
	m.mu.Lock()
	defer m.mu.Unlock()
	if lr, ok := m.renderers[k]; ok {
		return lr, nil
	}
	// Glamour's "dark"/"light" styles, with one change: their code blocks
	// name a built-in Chroma theme instead of carrying their own colours.
	// Glamour registers those colours once per process in Chroma's global
	// registry, under one name for both styles (so the first theme used
	// would win), and Chroma reads that map without a lock while another
	// render may be registering.
	name, code := styles.LightStyle, "github"
	if dark {
		name, code = styles.DarkStyle, "monokai"
	}
	base, ok := styles.DefaultStyles[name]
	if !ok {
		return nil, fmt.Errorf("markdown renderer: no %q style", name)
	}
	cfg := *base // the shared default stays untouched: CodeBlock is a value
	cfg.CodeBlock.Chroma = nil
	cfg.CodeBlock.Theme = code
	r, err := glamour.NewTermRenderer(glamour.WithStyles(cfg), glamour.WithWordWrap(width))
	if err != nil {
		return nil, fmt.Errorf("markdown renderer: %w", err)
	}
	if len(m.renderers) >= maxRenderers {
		clear(m.renderers) // renderers in use keep working: callers hold them
	}
	lr := &lockedRenderer{r: r}
	m.renderers[k] = lr
	return lr, nil
}
