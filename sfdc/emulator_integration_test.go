package sfdc_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/sfdc/emulator"
	"golang.org/x/oauth2"
)

// These tests run the client against the in-repo emulator over real HTTP,
// including its fault injection.

func emulatorClient(t *testing.T) (*sfdc.Client, *emulator.Server) {
	t.Helper()
	em := emulator.New(emulator.Options{Seed: 7})
	srv := httptest.NewServer(em.Handler())
	t.Cleanup(srv.Close)
	ts := sfdc.NewOAuthTokenSource(sfdc.OAuthConfig{ClientID: "lazyforce", TokenURL: sfdc.TokenURL(srv.URL), HTTPClient: srv.Client()},
		&oauth2.Token{AccessToken: em.AccessToken(), RefreshToken: em.RefreshToken()})
	c, err := sfdc.NewClient(context.Background(), srv.URL, ts, sfdc.Options{HTTPClient: srv.Client(),
		Retry: sfdc.RetryPolicy{MaxAttempts: 4, BaseDelay: time.Millisecond, MaxDelay: 4 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	return c, em
}

func TestEmulatorReadPath(t *testing.T) {
	ctx := context.Background()
	c, em := emulatorClient(t)
	if c.APIVersion() != em.APIVersion() {
		t.Errorf("APIVersion %s, emulator newest %s", c.APIVersion(), em.APIVersion())
	}
	me, err := c.UserInfo(ctx)
	if err != nil || string(me.UserID) != em.UserID() || string(me.OrganizationID) != em.OrgID() {
		t.Fatalf("userinfo %+v %v", me, err)
	}
	d, err := c.Describe(ctx, "Opportunity")
	if err != nil {
		t.Fatal(err)
	}
	if f := d.Field("StageName"); f == nil || f.Type != "picklist" || !f.RestrictedPicklist {
		t.Errorf("StageName = %+v", f)
	}
	for _, rt := range d.RecordTypeInfos {
		p, err := c.Picklists(ctx, "Opportunity", rt.RecordTypeID)
		if err != nil {
			t.Fatalf("picklists %s: %v", rt.Name, err)
		}
		won := p.Fields["StageName"].Value("Closed Won")
		if won == nil || won.Attributes == nil || !won.Attributes.Won || !won.Attributes.Closed {
			t.Errorf("%s Closed Won = %+v", rt.Name, won)
		}
	}
	seen := map[string]bool{}
	pages, total := 0, 0
	callsBefore, emBefore := c.APICalls(), em.APICalls()
	for p, err := range c.QueryPages(ctx, sfdc.Query{SOQL: "SELECT Id, Name, Account.Name FROM Opportunity", BatchSize: 200}) {
		if err != nil {
			t.Fatal(err)
		}
		pages++
		total = p.TotalSize
		for _, raw := range p.Records {
			r, err := sfdc.DecodeRecord(raw)
			if err != nil {
				t.Fatal(err)
			}
			seen[string(r.ID())] = true
		}
	}
	if pages < 2 || len(seen) != total {
		t.Errorf("%d pages, %d distinct records of totalSize %d", pages, len(seen), total)
	}
	if got, emGot := c.APICalls()-callsBefore, em.APICalls()-emBefore; got != int64(pages) || emGot != pages {
		t.Errorf("paging %d pages: client counted %d calls, emulator %d", pages, got, emGot)
	}
	withRoles, n := 0, 0
	for r, err := range c.QueryRecords(ctx, sfdc.Query{SOQL: "SELECT Id, Name, Account.Name, (SELECT Id, Role FROM OpportunityContactRoles) FROM Opportunity", BatchSize: 200}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		if kids := r.Children("OpportunityContactRoles"); kids != nil {
			withRoles++
			if len(kids.Records) != kids.TotalSize || kids.Records[0].Type() != "OpportunityContactRole" {
				t.Errorf("children of %s: %+v", r.ID(), kids)
			}
		}
	}
	if n != total || withRoles == 0 {
		t.Errorf("%d opportunities (want %d), %d with contact roles", n, total, withRoles)
	}
	if u := c.Limits(); !u.Known || u.Used != em.APICalls() {
		t.Errorf("Limits() = %+v, emulator counted %d", u, em.APICalls())
	}
}

func TestEmulatorWritePathAndConflict(t *testing.T) {
	ctx := context.Background()
	c, _ := emulatorClient(t)
	name := "O'Brien \\ 50%_off"
	id, err := c.Create(ctx, "Account", map[string]any{"Name": name})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []struct {
		arg  any
		want int
	}{{name, 1}, {"' OR Name LIKE '%", 0}, {sfdc.Contains("Brien \\ 50%_"), 1}, {sfdc.Contains("%"), 1}, {sfdc.Contains("_x_"), 0}} {
		soql, err := sfdc.Format("SELECT Id FROM Account WHERE Name "+map[bool]string{true: "LIKE", false: "="}[isLike(q.arg)]+" %s", q.arg)
		if err != nil {
			t.Fatal(err)
		}
		res, err := c.Query(ctx, soql)
		if err != nil || len(res.Records) != q.want {
			t.Errorf("%s: %v rows, err %v; want %d", soql, res, err, q.want)
		}
	}
	rec, err := c.GetRecord(ctx, "Account", id, "Name", "LastModifiedDate")
	if err != nil || rec.String("Name") != name {
		t.Fatalf("get: %v %v", rec, err)
	}
	based, err := sfdc.ParseTime(rec.String("LastModifiedDate"))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Update(ctx, "Account", id, map[string]any{"Name": "fresh"}, sfdc.UpdateOptions{IfUnmodifiedSince: based}); err != nil {
		t.Fatalf("update based on the current version: %v", err)
	}
	err = c.Update(ctx, "Account", id, map[string]any{"Name": "stale"}, sfdc.UpdateOptions{IfUnmodifiedSince: based.Add(-time.Hour)})
	if !sfdc.IsConflict(err) {
		t.Errorf("stale update: %v", err)
	}
	if err := c.Delete(ctx, "Account", id); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetRecord(ctx, "Account", id); !sfdc.IsNotFound(err) {
		t.Errorf("get deleted: %v", err)
	}
	del, err := c.DeletedSince(ctx, "Account", time.Now().Add(-time.Hour), time.Now().Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	// Salesforce covers whole minutes only, so a deletion in the current
	// minute may not be listed yet; the window itself must be sane.
	if del.LatestDateCovered.IsZero() || del.EarliestDateAvailable.After(del.LatestDateCovered.Time) {
		t.Errorf("deleted window %+v", del)
	}
}

func isLike(v any) bool { _, ok := v.(sfdc.LikePattern); return ok }

func TestEmulatorFaults(t *testing.T) {
	ctx := context.Background()
	c, em := emulatorClient(t)
	query := func() error {
		_, err := c.Query(ctx, "SELECT Id FROM Account LIMIT 5")
		return err
	}
	em.SetFaults(emulator.Faults{ExpireSessions: true})
	if err := query(); err != nil {
		t.Errorf("after expired session (refresh expected): %v", err)
	}
	for _, f := range []emulator.Faults{
		{Status5xx: 503, Times: 2},
		{TruncateBodies: true, Times: 2},
		{DropConnections: true, Times: 2},
	} {
		em.SetFaults(f)
		if err := query(); err != nil {
			t.Errorf("GET under %+v: %v", f, err)
		}
	}
	em.SetFaults(emulator.Faults{RowLock: true, Times: 2})
	if _, err := c.Create(ctx, "Account", map[string]any{"Name": "locked"}); err != nil {
		t.Errorf("create after row locks: %v", err)
	}
	em.SetFaults(emulator.Faults{RequestLimitExceeded: true})
	if err := query(); !sfdc.IsLimitExceeded(err) {
		t.Errorf("limit: %v", err)
	}
	em.SetFaults(emulator.Faults{Outage: true})
	if err := query(); !sfdc.IsNetworkError(err) {
		t.Errorf("outage: %v", err)
	}
	em.SetFaults(emulator.Faults{})
	if err := query(); err != nil {
		t.Errorf("after recovery: %v", err)
	}
}
