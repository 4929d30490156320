package ui

import (
	"context"
	"sync"

	"github.com/lazyforce/lazyforce/sfdc/soql"
	"github.com/lazyforce/lazyforce/store/ask"
)

// fakeAsker answers with canned results and records what it was asked.
type fakeAsker struct {
	mu       sync.Mutex
	answer   *ask.Answer
	rows     []*soql.Row
	asked    []string
	live     []bool
	suggests []string
	complets []string
}

func (f *fakeAsker) Ask(_ context.Context, q string, live bool) (*ask.Answer, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.asked, f.live = append(f.asked, q), append(f.live, live)
	a := *f.answer
	return &a, nil
}

func (f *fakeAsker) Suggest(_ context.Context, typed string, n int) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.suggests = append(f.suggests, typed)
	return []string{typed + " this quarter"}, nil
}

func (f *fakeAsker) Query(_ context.Context, q string, live bool) ([]*soql.Row, int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.asked, f.live = append(f.asked, q), append(f.live, live)
	return f.rows, len(f.rows), nil
}

func (f *fakeAsker) Complete(_ context.Context, typed string, n int) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.complets = append(f.complets, typed)
	return []string{typed + "ame"}, nil
}
