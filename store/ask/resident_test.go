package ask

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/lazyforce/lazyforce/sfdc/soql"
	"github.com/lazyforce/lazyforce/store"
)

// residentStatements are SOQL statements for the warm-path comparison:
// filters on indexed fields (id, boolean, date) and on others, ranges,
// GROUP BY, ORDER BY/LIMIT, child subqueries, parent fields, semi-joins.
// %[1]s is an account Id, %[2]s its owner, %[3]s a user, %[4]s the
// 15-character form of %[1]s.
var residentStatements = []string{
	"SELECT Id, Name, Amount FROM Opportunity WHERE AccountId = '%[1]s' ORDER BY Name",
	"SELECT Id FROM Opportunity WHERE AccountId = '%[4]s'",
	"SELECT Id, Name FROM Account WHERE Id = '%[1]s'",
	"SELECT COUNT(Id) n, SUM(Amount) s FROM Opportunity WHERE OwnerId = '%[3]s' AND IsClosed = false",
	"SELECT COUNT() FROM Opportunity WHERE IsClosed = true",
	"SELECT COUNT() FROM Opportunity WHERE IsWon = false AND IsClosed = true",
	"SELECT COUNT() FROM Opportunity WHERE IsClosed = null",
	"SELECT Id, CloseDate FROM Opportunity WHERE CloseDate >= 2026-02-01 AND CloseDate <= 2026-04-30 ORDER BY CloseDate, Id",
	"SELECT Id FROM Opportunity WHERE CloseDate > 2026-05-14 AND CloseDate < 2026-06-01",
	"SELECT Id FROM Opportunity WHERE CloseDate = 2026-05-14",
	"SELECT Id FROM Opportunity WHERE CloseDate < 2025-03-01",
	"SELECT Id FROM Opportunity WHERE CloseDate <= 2025-03-01",
	"SELECT Id FROM Opportunity WHERE CloseDate > 2026-09-01",
	"SELECT Id FROM Opportunity WHERE CloseDate >= 2026-09-01",
	"SELECT Id FROM Task WHERE ActivityDate < 2025-06-01 AND IsClosed = false",
	"SELECT Id FROM Opportunity WHERE CloseDate = THIS_MONTH",
	"SELECT Id FROM Opportunity WHERE CloseDate = LAST_N_DAYS:30 AND IsClosed = false",
	"SELECT Id FROM Opportunity WHERE CloseDate != 2026-05-14 AND StageName = 'Prospecting' LIMIT 40",
	"SELECT Id FROM Opportunity WHERE NOT (IsClosed = true) AND (CloseDate < 2026-01-01 OR Amount > 100000)",
	"SELECT Id, Subject, ActivityDate FROM Task WHERE OwnerId = '%[3]s' AND IsClosed = false AND ActivityDate < 2026-05-14 ORDER BY ActivityDate, Subject",
	"SELECT Id FROM Task WHERE ActivityDate = null LIMIT 20",
	"SELECT StageName, COUNT(Id) n, SUM(Amount) total FROM Opportunity WHERE IsClosed = false GROUP BY StageName ORDER BY StageName",
	"SELECT AccountId grp, SUM(Amount) total FROM Opportunity WHERE IsClosed = false GROUP BY AccountId ORDER BY SUM(Amount) DESC LIMIT 5",
	"SELECT CALENDAR_MONTH(CloseDate) m, COUNT(Id) n FROM Opportunity WHERE CloseDate >= 2025-01-01 GROUP BY CALENDAR_MONTH(CloseDate)",
	"SELECT Id, Name, Amount, Account.Name, Owner.Name FROM Opportunity WHERE IsClosed = false AND Amount != null ORDER BY Amount DESC LIMIT 10",
	"SELECT Name, Amount FROM Opportunity ORDER BY Amount DESC NULLS LAST, Name LIMIT 25 OFFSET 5",
	"SELECT Name FROM Opportunity WHERE Name LIKE 'a%%' AND Account.Owner.Name != null",
	"SELECT Account.Owner.Name o, Account.Industry i, COUNT(Id) n FROM Opportunity WHERE Account.BillingCountry != null GROUP BY Account.Owner.Name, Account.Industry ORDER BY COUNT(Id) DESC, Account.Owner.Name LIMIT 12",
	"SELECT Id, Name, (SELECT Id, Name FROM Contacts ORDER BY Name), (SELECT Id, Subject FROM Tasks ORDER BY Subject LIMIT 3) FROM Account WHERE OwnerId = '%[2]s' ORDER BY Name",
	"SELECT Id, Name FROM Account WHERE Id IN (SELECT AccountId FROM Opportunity WHERE IsClosed = false AND Amount > 50000) ORDER BY Name",
	"SELECT Id FROM Opportunity WHERE AccountId IN (SELECT Id FROM Account WHERE OwnerId = '%[2]s')",
	"SELECT Id, Name FROM Account WHERE BillingCountry = 'France' ORDER BY CreatedDate DESC LIMIT 10",
	"SELECT Id FROM Opportunity WHERE OwnerId = '%[3]s' AND LastModifiedDate < 2026-04-14T00:00:00Z",
	"SELECT Id FROM Account WHERE CreatedDate = LAST_N_DAYS:90",
	"SELECT Id, Name FROM Opportunity WHERE Bogus__c = 1",
	// Rows built from columns: parents found by position (one with a
	// parent of its own, followed through Get), child subqueries with
	// WHERE, ORDER BY, LIMIT and parent fields, TYPEOF, OFFSET and LIMIT
	// without ORDER BY.
	"SELECT Id, Name, Account.Name, Account.Owner.Name, Owner.Name, (SELECT Contact.Name, Contact.Account.Name, Role, IsPrimary FROM OpportunityContactRoles WHERE IsPrimary = true ORDER BY Role DESC LIMIT 1), (SELECT Id, Contact.Name FROM OpportunityContactRoles ORDER BY Role, Id LIMIT 0) FROM Opportunity WHERE OwnerId = '%[3]s' ORDER BY CloseDate, Name",
	"SELECT Id, Subject, TYPEOF What WHEN Account THEN Name, Owner.Name WHEN Opportunity THEN Name, Amount ELSE Name END, Who.Name FROM Task WHERE OwnerId = '%[3]s' AND IsClosed = false",
	"SELECT Name, Account.Name, (SELECT Contact.Name FROM OpportunityContactRoles LIMIT 2) FROM Opportunity WHERE IsClosed = false AND OwnerId = '%[3]s' OFFSET 7",
	"SELECT FIELDS(STANDARD), Account.Name FROM Opportunity WHERE AccountId = '%[1]s' LIMIT 3",
}

// TestResidentMatchesPlainScan asks every question of the benchmark (the
// accuracy set and the latency set) and runs residentStatements, each of
// them through the plain scan and through the warm path over the same
// cache, and requires identical answers, results and errors.
func TestResidentMatchesPlainScan(t *testing.T) {
	st, _ := syncedDemo(t)
	ctx := context.Background()
	now := func() time.Time { return benchNow }
	res := store.NewResident(st)
	plain, warm := plainAndWarm(t, st, res, now)
	var questions []string
	for _, it := range loadQuestions(t) {
		questions = append(questions, it.question)
	}
	for _, bq := range benchQuestions {
		questions = append(questions, bq.q)
	}
	// Twice: the second pass runs on a filled Resident and built indexes.
	for pass := range 2 {
		for _, q := range questions {
			sameAnswer(t, ctx, plain, warm, fmt.Sprintf("pass %d: %q", pass, q), q)
		}
	}
	if n, _ := res.Held(); n == 0 {
		t.Fatal("the Resident holds no records: the warm path was not used")
	}
	for _, q := range residentStatementsFor(t, st) {
		want, werr := st.Query(ctx, q, store.QueryOptions{Now: now})
		for pass := range 2 {
			got, gerr := st.Query(ctx, q, store.QueryOptions{Now: now, Resident: res})
			if fmt.Sprint(gerr) != fmt.Sprint(werr) {
				t.Fatalf("%s: warm error %v, plain error %v", q, gerr, werr)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("pass %d: %s: warm result differs:\n%s\nplain:\n%s", pass, q, asJSON(t, got), asJSON(t, want))
			}
		}
	}
}

// residentStatementsFor fills residentStatements with Ids of the cache.
func residentStatementsFor(t *testing.T, st *store.Store) []string {
	t.Helper()
	ctx := context.Background()
	r, err := st.Query(ctx, "SELECT AccountId, Account.OwnerId, OwnerId FROM Opportunity WHERE AccountId != null AND IsClosed = false LIMIT 1", store.QueryOptions{})
	if err != nil || len(r.Records) != 1 {
		t.Fatalf("no opportunity to take Ids from: %v", err)
	}
	row := r.Records[0]
	acct := fieldOf(row, "AccountId")
	acctOwner := fieldOf(row, "Account", "OwnerId")
	user := fieldOf(row, "OwnerId")
	if len(acct) != 18 || len(acctOwner) != 18 || len(user) != 18 {
		t.Fatalf("Ids %q %q %q", acct, acctOwner, user)
	}
	out := make([]string, len(residentStatements))
	for i, s := range residentStatements {
		out[i] = fmt.Sprintf(s, acct, acctOwner, user, acct[:15])
	}
	return out
}

// fieldOf reads a (nested) field of a result row.
func fieldOf(row *soql.Row, path ...string) string {
	var v any = row
	for _, key := range path {
		r, ok := v.(*soql.Row)
		if !ok {
			return ""
		}
		v = nil
		for i, k := range r.Keys {
			if k == key {
				v = r.Values[i]
			}
		}
	}
	s, _ := v.(string)
	return s
}

func asJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestResidentConcurrentQueries runs queries that need different fields of
// the same objects (so the Resident grows while others read it) from
// several goroutines, and checks each against its plain result.
func TestResidentConcurrentQueries(t *testing.T) {
	st, _ := syncedDemo(t)
	ctx := context.Background()
	now := func() time.Time { return benchNow }
	qs := residentStatementsFor(t, st)
	want := make([]any, len(qs))
	for i, q := range qs {
		r, err := st.Query(ctx, q, store.QueryOptions{Now: now})
		if err != nil {
			want[i] = err.Error()
			continue
		}
		want[i] = r
	}
	res := store.NewResident(st)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for k := range qs {
				i := (k + g*len(qs)/4) % len(qs)
				r, err := st.Query(ctx, qs[i], store.QueryOptions{Now: now, Resident: res})
				var got any = r
				if err != nil {
					got = err.Error()
				}
				if !reflect.DeepEqual(got, want[i]) {
					t.Errorf("%s: the concurrent warm result differs from the plain one", qs[i])
				}
			}
		})
	}
	wg.Wait()
}

// plainAndWarm returns two engines over st with the clock now: one that
// reads the file on every answer and one that answers through res.
func plainAndWarm(t *testing.T, st *store.Store, res *store.Resident, now func() time.Time) (plain, warm *Engine) {
	t.Helper()
	plain, err := New(st, Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	warm, err = New(st, Options{Now: now, Resident: res})
	if err != nil {
		t.Fatal(err)
	}
	return plain, warm
}

// sameAnswer asks q of both engines and fails unless warm answers as
// plain does.
func sameAnswer(t *testing.T, ctx context.Context, plain, warm *Engine, family, q string) {
	t.Helper()
	got, err := warm.Ask(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	want, err := plain.Ask(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: the warm answer differs:\n%s\nplain:\n%s", family, got.Markdown, want.Markdown)
	}
}
