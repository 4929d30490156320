package ask

import (
	"context"
	"errors"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/lazyforce/lazyforce/store"
)

// TestResidentFieldsCover warms a Resident with ResidentFields and then
// asks every family's question: none decodes records again, and the
// answers are the plain scan's.
func TestResidentFieldsCover(t *testing.T) {
	st, _ := syncedDemo(t)
	ctx := context.Background()
	now := func() time.Time { return benchNow }
	res := store.NewResident(st)
	if err := res.Warm(ctx, ResidentFields()); err != nil {
		t.Fatal(err)
	}
	if err := res.WarmParents(ctx, ResidentParents()); err != nil {
		t.Fatal(err)
	}
	warmed := res.Loads()
	if warmed == 0 {
		t.Fatal("Warm decoded nothing")
	}
	plain, warm := plainAndWarm(t, st, res, now)
	for _, bq := range benchQuestions {
		sameAnswer(t, ctx, plain, warm, bq.family, bq.q)
		if n := res.Loads(); n != warmed {
			t.Errorf("%s (%q) decoded records after Warm (%d decodings, %d after Warm)", bq.family, bq.q, n-warmed, warmed)
			warmed = n
		}
	}
}

// TestResidentWarmCancelled: a cancelled Warm returns the context's error
// and leaves a Resident that answers as the plain scan does.
func TestResidentWarmCancelled(t *testing.T) {
	st, _ := syncedDemo(t)
	now := func() time.Time { return benchNow }
	res := store.NewResident(st)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := res.Warm(ctx, ResidentFields()); !errors.Is(err, context.Canceled) {
		t.Fatalf("Warm with a cancelled context = %v, want context.Canceled", err)
	}
	if err := res.WarmParents(ctx, ResidentParents()); !errors.Is(err, context.Canceled) {
		t.Fatalf("WarmParents with a cancelled context = %v, want context.Canceled", err)
	}
	plain, warm := plainAndWarm(t, st, res, now)
	for _, bq := range benchQuestions {
		sameAnswer(t, context.Background(), plain, warm, bq.family, bq.q)
	}
}

// TestResidentWarmWhileAsking runs Warm (and a second Warm, cancelled
// midway) while questions are asked: every answer is the plain scan's,
// and questions continue decodings Warm started.
func TestResidentWarmWhileAsking(t *testing.T) {
	st, _ := syncedDemo(t)
	now := func() time.Time { return benchNow }
	plain, err := New(st, Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]*Answer{}
	for _, bq := range benchQuestions {
		a, err := plain.Ask(context.Background(), bq.q)
		if err != nil {
			t.Fatal(err)
		}
		want[bq.q] = a
	}
	res := store.NewResident(st)
	warm, err := New(st, Options{Now: now, Resident: res})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, 2+len(benchQuestions))
	wg.Add(2)
	go func() {
		defer wg.Done()
		if err := res.Warm(context.Background(), ResidentFields()); err != nil {
			errs <- err
			return
		}
		errs <- res.WarmParents(context.Background(), ResidentParents())
	}()
	go func() {
		defer wg.Done()
		if err := res.Warm(ctx, ResidentFields()); err != nil && !errors.Is(err, context.Canceled) {
			errs <- err
		}
	}()
	for i, bq := range benchQuestions {
		if i == len(benchQuestions)/2 {
			cancel()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := warm.Ask(context.Background(), bq.q)
			if err != nil {
				errs <- err
				return
			}
			if !reflect.DeepEqual(got, want[bq.q]) {
				t.Errorf("%s: the answer asked during Warm differs:\n%s\nplain:\n%s", bq.family, got.Markdown, want[bq.q].Markdown)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}
