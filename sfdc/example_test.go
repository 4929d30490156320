package sfdc_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/lazyforce/lazyforce/sfdc"
)

// Example shows the common calls: connect, build a safe query, page
// through raw records, and read the usage counters.
func Example() {
	org := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Sforce-Limit-Info", "api-usage=42/15000")
		switch r.URL.Path {
		case "/services/data/":
			fmt.Fprint(w, `[{"label":"Winter '26","url":"/services/data/v65.0","version":"65.0"}]`)
		case "/services/data/v65.0/query":
			fmt.Fprint(w, `{"totalSize":1,"done":true,"records":[{"attributes":{"type":"Account","url":"/services/data/v65.0/sobjects/Account/001B000001PUvQUIA1"},"Id":"001B000001PUvQUIA1","Name":"O'Brien & Sons","Owner":{"attributes":{"type":"User"},"Name":"Ann"}}]}`)
		}
	}))
	defer org.Close()

	ctx := context.Background()
	c, err := sfdc.NewClient(ctx, org.URL, sfdc.StaticToken("00D…!token"), sfdc.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	soql, err := sfdc.Format("SELECT Id, Name, Owner.Name FROM %n WHERE Name = %s", sfdc.Ident("Account"), "O'Brien & Sons")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(soql)
	for page, err := range c.QueryPages(ctx, sfdc.Query{SOQL: soql, BatchSize: 500}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		for _, raw := range page.Records {
			rec, _ := sfdc.DecodeRecord(raw)
			fmt.Println(rec.ID(), rec.String("Name"), rec.String("Owner.Name"))
		}
	}
	fmt.Println("version", c.APIVersion(), "usage", c.Limits(), "calls", c.APICalls())
	// Output:
	// SELECT Id, Name, Owner.Name FROM Account WHERE Name = 'O\'Brien & Sons'
	// 001B000001PUvQUIA1 O'Brien & Sons Ann
	// version 65.0 usage 42/15000 calls 2
}
