package emulator

import (
	"github.com/lazyforce/lazyforce/sfdc/emulator/demo"
)

// load stores generated records, completing derived fields.
func (o *org) load(data *demo.Data) {
	// Generated data sets these explicitly; derived values keep its choice.
	loadChanged := map[string]bool{"Probability": true, "ForecastCategoryName": true, "AccountId": true}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.byID = make(map[string]entry, len(data.Records))
	o.defaultRecordType = data.RecordTypeIDs()
	if id, ok := o.defaultRecordType[demo.RecordTypeNewBusiness]; ok {
		o.defaultRecordType = map[string]string{"Opportunity": id}
	}
	for _, r := range data.Records {
		def, ok := o.schema.Lookup(r.Object)
		if !ok {
			continue
		}
		o.deriveLocked(def, r.Fields, nil, loadChanged, zeroTime)
		o.putLocked(def, r.Fields)
	}
}
