package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/store"
	"github.com/lazyforce/lazyforce/store/book"
	"github.com/lazyforce/lazyforce/store/syncer"
	"github.com/lazyforce/lazyforce/views"
)

// runAsync runs cmd as the Tea runtime would, every command of a batch in
// its own goroutine, and sends the messages to out.
func runAsync(cmd tea.Cmd, out chan<- tea.Msg) {
	if cmd == nil {
		return
	}
	msg := cmd()
	if batch, ok := msg.(tea.BatchMsg); ok {
		for _, c := range batch {
			go runAsync(c, out)
		}
		return
	}
	out <- msg
}

func TestQuitCancelsTheRunningSync(t *testing.T) {
	m, _ := newLoaded(t, 40, 100, 30, true)
	started := make(chan struct{})
	m.deps.Sync = func(ctx context.Context, _ func(syncer.Progress)) error {
		close(started)
		<-ctx.Done() // a sync that only stops when told to
		return ctx.Err()
	}
	msgs := make(chan tea.Msg, 16)
	go runAsync(press(m, "r"), msgs)
	<-started
	if !isQuit(press(m, "q")) {
		t.Fatal("q does not quit")
	}
	timeout := time.After(10 * time.Second) // a failure guard, not synchronisation
	for {
		select {
		case msg := <-msgs:
			done, ok := msg.(syncDoneMsg)
			if !ok {
				continue
			}
			if !errors.Is(done.err, context.Canceled) {
				t.Fatalf("the sync ended with %v, want context.Canceled", done.err)
			}
			return
		case <-timeout:
			t.Fatal("quitting did not stop the running sync")
		}
	}
}

// ctxData is FakeData whose detail reads fail once their context is done,
// as the store's do.
type ctxData struct{ *FakeData }

func (d ctxData) AccountDetail(ctx context.Context, id string) (book.AccountDetail, error) {
	if err := ctx.Err(); err != nil {
		return book.AccountDetail{}, err
	}
	return d.FakeData.AccountDetail(ctx, id)
}

func TestQuitCancelsCacheReads(t *testing.T) {
	for _, quit := range []string{"q", "ctrl+c"} {
		m, fake := newLoaded(t, 40, 100, 30, true)
		m.deps.Data = ctxData{fake}
		read := m.loadDetail(views.AccountsPane, views.AccountRecord, "001000000000001AAA")
		if msg := read().(detailLoadedMsg); msg.err != nil {
			t.Fatalf("%s: a read before quitting failed: %v", quit, msg.err)
		}
		isQuit(press(m, quit))
		if msg := read().(detailLoadedMsg); !errors.Is(msg.err, context.Canceled) {
			t.Errorf("%s: a read after quitting got %v, want context.Canceled", quit, msg.err)
		}
	}
}

func TestBlockingErrors(t *testing.T) {
	expired := fmt.Errorf("sync: pull Account: %w", &sfdc.SessionExpiredError{Cause: errors.New("invalid_grant: expired access/refresh token")})
	for _, c := range []struct {
		name     string
		err      error
		blocking bool
	}{
		{"session expired", expired, true},
		{"damaged cache", fmt.Errorf("open cache: %w", store.ErrCorrupt), true},
		{"incompatible cache", fmt.Errorf("open cache: %w", store.ErrIncompatible), true},
		{"locked cache", fmt.Errorf("open cache: %w", store.ErrLocked), true},
		{"network", fmt.Errorf("sync: %w", ErrOffline), false},
		{"timeout", fmt.Errorf("sync: %w", context.DeadlineExceeded), false},
	} {
		if _, got := blocking(c.err); got != c.blocking {
			t.Errorf("%s: blocking = %v, want %v", c.name, got, c.blocking)
		}
	}
}

func TestExpiredSessionBlocksUntilDismissed(t *testing.T) {
	m, _ := newLoaded(t, 200, 100, 30, true)
	press(m, "G")
	last, _ := m.Accounts().Selected()
	m.deps.Sync = func(context.Context, func(syncer.Progress)) error {
		return fmt.Errorf("pull Account: %w", &sfdc.SessionExpiredError{Cause: errors.New("invalid_grant")})
	}
	run(m, press(m, "r"))
	out := screen(m)
	for _, want := range []string{"session has expired", "lazyforce login", "invalid_grant", "esc dismisses", last.Name} {
		if !strings.Contains(out, want) {
			t.Errorf("the blocking error screen lacks %q:\n%s", want, out)
		}
	}
	if m.Blocked() == nil {
		t.Fatal("an expired session is not blocking")
	}
	// It stays: timers, other keys and other messages leave it.
	m.Update(clearFlashMsg{seq: m.flashSeq})
	press(m, "k")
	press(m, "2")
	if m.Blocked() == nil || m.Focus() != views.AccountsPane {
		t.Fatalf("the error was dismissed or keys reached the panes (focus %v)", m.Focus())
	}
	if cur := m.Accounts().Cursor(); cur != m.Accounts().Rows()-1 {
		t.Fatalf("k moved the cursor behind the error to %d", cur)
	}
	if isQuit(press(m, "esc")) {
		t.Fatal("esc quit")
	}
	if m.Blocked() != nil || strings.Contains(screen(m), "session has expired") {
		t.Fatalf("esc did not dismiss the error:\n%s", screen(m))
	}
	press(m, "2")
	if m.Focus() != views.OpportunitiesPane {
		t.Fatal("keys do not reach the panes after dismissing the error")
	}
}

func TestNetworkErrorIsNotBlocking(t *testing.T) {
	m, fake := newLoaded(t, 40, 100, 30, true)
	fake.SetOffline(true)
	run(m, press(m, "r"))
	if m.Blocked() != nil {
		t.Fatalf("an unreachable org blocks: %v", m.Blocked())
	}
}

// failingData fails every cache read with err.
type failingData struct {
	*FakeData
	err error
}

func (f failingData) Accounts(context.Context) ([]book.Account, error) { return nil, f.err }

func TestUnreadableCacheBlocksAndKeepsTheData(t *testing.T) {
	m, fake := newLoaded(t, 40, 100, 30, true)
	before := m.Accounts().Rows()
	m.deps.Data = failingData{FakeData: fake, err: fmt.Errorf("read bucket: %w", store.ErrCorrupt)}
	run(m, m.loadData())
	if !errors.Is(m.Blocked(), store.ErrCorrupt) {
		t.Fatalf("blocked by %v, want the damaged cache", m.Blocked())
	}
	out := screen(m)
	for _, want := range []string{"cannot be read", "lazyforce sync --full --rebuild"} {
		if !strings.Contains(out, want) {
			t.Errorf("the screen lacks %q:\n%s", want, out)
		}
	}
	if m.Accounts().Rows() != before {
		t.Fatal("the cached accounts disappeared")
	}
	// Any other failed read is blocking too, with a generic hint.
	m.blocked = nil
	m.deps.Data = failingData{FakeData: fake, err: errors.New("disk on fire")}
	run(m, m.loadData())
	if m.Blocked() == nil || !strings.Contains(screen(m), "The cache could not be read") {
		t.Fatalf("a failed read is not shown:\n%s", screen(m))
	}
}
