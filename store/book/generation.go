package book

// Generation identifies the cache's last committed write, by any process
// (store.Store.Generation): a screen that remembers it before reading can
// tell when another lazyforce (a sync, a queued write) changed the cache
// and read again.
func (b *Book) Generation() (uint64, error) { return b.st.Generation() }
