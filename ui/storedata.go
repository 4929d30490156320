package ui

import (
	"github.com/lazyforce/lazyforce/store"
	"github.com/lazyforce/lazyforce/store/book"
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

// NewStoreData returns a Data over an open cache: book.New.
func NewStoreData(st *store.Store, opts StoreDataOptions) *StoreData {
	return book.New(st, opts)
}
