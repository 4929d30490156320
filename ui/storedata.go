package ui

import (
	"context"
	"fmt"

	"github.com/lazyforce/lazyforce/store"
	"github.com/lazyforce/lazyforce/store/book"
	"github.com/lazyforce/lazyforce/views"
)

// The app reads the cache through store/book, which decodes the domain
// once for every consumer: a *book.Book is a Data as it is. StoreData,
// StoreDataOptions and NewStoreData remain so that today's callers (main)
// keep compiling; new code calls book.New.

// StoreData is the Data over the bbolt cache.
type StoreData = book.Book

// StoreDataOptions complete what the cache does not hold.
type StoreDataOptions = book.Options

var _ Data = (*book.Book)(nil)

var _ keeper = (*book.Book)(nil)

// NewStoreData returns a Data over an open cache: book.New.
func NewStoreData(st *store.Store, opts StoreDataOptions) *StoreData {
	return book.New(st, opts)
}

// PrepareStartup readies the cache for the app's next start-up, after a
// sync changed it: every list's snapshot (book's WarmSnapshots), and the
// accounts' and opportunities' sort orders and search keys kept with
// them, so that the next start-up reads them instead of building them.
// What is current already is left as it is; what is not is stored in one
// write.
func PrepareStartup(ctx context.Context, b *book.Book) error {
	rts, err := b.RecordTypes(ctx)
	if err != nil {
		return fmt.Errorf("read record types: %w", err)
	}
	return b.WarmSnapshotsKeeping(ctx, views.KeptName,
		func(accts []book.Account, acctsKept string, opps []book.Opportunity, oppsKept string) (keepAccts, keepOpps []byte) {
			if ix, ok := views.NewAccountIndexKept(accts, acctsKept); !ok {
				keepAccts = ix.AppendKept(nil)
			}
			if ix, ok := views.NewOpportunityIndexKept(opps, oppsKept, rts...); !ok {
				keepOpps = ix.AppendKept(nil)
			}
			return keepAccts, keepOpps
		})
}
