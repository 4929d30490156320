package sync

import "context"

// probe asks, for every object already synced, whether anything changed,
// batching the per-object first pages into as few requests as possible.
// TODO(composite): batch through /composite once the client offers it;
// until then each object's first page is fetched by pull (one call each).
func (p *puller) probe(ctx context.Context, plans []*plan) error {
	return nil
}
