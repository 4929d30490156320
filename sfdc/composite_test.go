package sfdc_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/sfdc/emulator"
)

// TestCompositeOfReadsIsRetried: a /composite call made only of GET
// subrequests is as safe to repeat as a GET, so one hiccup (a 503, a
// dropped connection, a truncated body) does not fail it. A composite with
// a write is not repeated after a lost or failed response.
func TestCompositeOfReadsIsRetried(t *testing.T) {
	ctx := context.Background()
	c, em := emulatorClient(t)
	reads := []sfdc.Subrequest{
		{Method: http.MethodGet, URL: c.DataPath("query") + "?q=SELECT+Id+FROM+Account+LIMIT+2", ReferenceID: "q0"},
		{Method: http.MethodGet, URL: c.DataPath("sobjects", "Account", "describe"), ReferenceID: "d0"},
	}
	for _, f := range []emulator.Faults{
		{Status5xx: 503, Match: "/composite", Times: 1},
		{Status5xx: 502, Match: "/composite", Times: 2},
		{DropConnections: true, Match: "/composite", Times: 1},
		{TruncateBodies: true, Match: "/composite", Times: 1},
	} {
		em.SetFaults(f)
		resps, err := c.Composite(ctx, false, reads)
		if err != nil {
			t.Errorf("composite of reads under %+v: %v", f, err)
			continue
		}
		if len(resps) != len(reads) || resps[0].Err() != nil || resps[1].Err() != nil {
			t.Errorf("composite of reads under %+v: %+v", f, resps)
		}
		if left := em.Faults(); left != (emulator.Faults{}) {
			t.Errorf("fault %+v did not fire as often as asked: %+v left", f, left)
		}
	}

	// With a write among the subrequests, a 503 is returned, not retried.
	em.SetFaults(emulator.Faults{Status5xx: 503, Match: "/composite", Times: 1})
	write := append([]sfdc.Subrequest{{Method: http.MethodPost, URL: c.DataPath("sobjects", "Account"), ReferenceID: "new", Body: map[string]any{"Name": "Once"}}}, reads...)
	_, err := c.Composite(ctx, false, write)
	var ae *sfdc.APIError
	if !errors.As(err, &ae) || ae.Status != http.StatusServiceUnavailable {
		t.Errorf("composite with a write under a 503: %v, want the 503", err)
	}
	em.SetFaults(emulator.Faults{})
}
