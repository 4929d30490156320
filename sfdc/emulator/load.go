package emulator

import (
	"time"

	"github.com/lazyforce/lazyforce/sfdc/emulator/demo"
)

// loadBatch is how many generated records travel to the loader at once.
const loadBatch = 4096

// loadDemo generates the demo org and stores it, completing derived
// fields. Generation and loading run concurrently (a two-stage pipeline).
func (o *org) loadDemo(cfg demo.Config) *demo.Data {
	batches := make(chan []demo.Record, 16)
	done := make(chan *demo.Data, 1)
	go func() {
		batch := make([]demo.Record, 0, loadBatch)
		data := demo.Stream(cfg, func(r demo.Record) {
			batch = append(batch, r)
			if len(batch) == loadBatch {
				batches <- batch
				batch = make([]demo.Record, 0, loadBatch)
			}
		})
		if len(batch) > 0 {
			batches <- batch
		}
		close(batches)
		done <- data
	}()
	// Generated data sets these explicitly; derived values keep its choice.
	loadChanged := map[string]bool{"Probability": true, "ForecastCategoryName": true, "AccountId": true}
	now := cfg.Now
	if now.IsZero() {
		now = time.Now()
	}
	today := dateOf(now)
	la := lastActivity{}
	// Booleans are never null in Salesforce: fill the ones generated data omits.
	bools := map[*ObjectDef][]string{}
	for _, def := range o.schema.Objects() {
		for _, f := range def.Fields {
			if f.Type == "boolean" {
				bools[def] = append(bools[def], f.Name)
			}
		}
	}
	for batch := range batches {
		o.mu.Lock()
		for _, r := range batch {
			def, ok := o.schema.Lookup(r.Object)
			if !ok {
				continue
			}
			for _, b := range bools[def] {
				if _, set := r.Fields[b]; !set {
					r.Fields[b] = false
				}
			}
			o.deriveLocked(def, r.Fields, nil, loadChanged, time.Time{})
			o.putLocked(def, r.Fields)
			la.add(def.Name, r.Fields, today)
		}
		o.mu.Unlock()
	}
	data := <-done
	o.mu.Lock()
	o.applyLastActivityLocked(la)
	if id, ok := data.RecordTypes[demo.RecordTypeNewBusiness]; ok {
		o.defaultRecordType = map[string]string{"Opportunity": id}
	}
	o.mu.Unlock()
	return data
}
