package sfdc

import (
	"context"
	"fmt"
)

// PicklistValues is the UI API picklist-values resource for one field and
// record type (GET ui-api/object-info/{T}/picklist-values/{rtId}/{field}).
type PicklistValues struct {
	ControllerValues map[string]int  `json:"controllerValues"`
	DefaultValue     *PicklistValue  `json:"defaultValue"`
	ETag             string          `json:"eTag"`
	URL              string          `json:"url"`
	Values           []PicklistValue `json:"values"`
}

// PicklistValue is one value available for the record type.
type PicklistValue struct {
	// Attributes is set for special picklists such as Opportunity
	// StageName (OpportunityStage attributes); nil otherwise.
	Attributes *PicklistAttributes `json:"attributes"`
	Label      string              `json:"label"`
	// ValidFor lists indexes into ControllerValues for dependent picklists.
	ValidFor []int  `json:"validFor"`
	Value    string `json:"value"`
}

// PicklistAttributes are the extra attributes of a StageName value.
type PicklistAttributes struct {
	Closed               bool    `json:"closed"`
	Won                  bool    `json:"won"`
	DefaultProbability   float64 `json:"defaultProbability"`
	ForecastCategoryName string  `json:"forecastCategoryName"`
	// ValueType is e.g. "OpportunityStage" (Salesforce spells the key
	// "picklistAtrributesValueType").
	ValueType string `json:"picklistAtrributesValueType"`
}

// RecordTypePicklists is the all-fields form
// (GET ui-api/object-info/{T}/picklist-values/{rtId}).
type RecordTypePicklists struct {
	ETag   string                    `json:"eTag"`
	Fields map[string]PicklistValues `json:"picklistFieldValues"`
}

// Value returns the entry with the given API value, or nil.
func (p PicklistValues) Value(v string) *PicklistValue {
	for i := range p.Values {
		if p.Values[i].Value == v {
			return &p.Values[i]
		}
	}
	return nil
}

func (c *Client) picklistPath(sobject string, recordTypeID ID, field string) (string, error) {
	if err := ValidateName(sobject); err != nil {
		return "", err
	}
	if !validIDChars(string(recordTypeID)) {
		return "", fmt.Errorf("invalid record type id %q", recordTypeID)
	}
	parts := []string{"ui-api", "object-info", sobject, "picklist-values", string(recordTypeID)}
	if field != "" {
		if err := ValidateName(field); err != nil {
			return "", err
		}
		parts = append(parts, field)
	}
	return c.DataPath(parts...), nil
}

// Picklists fetches the values of every picklist field of sobject for a
// record type (use MasterRecordTypeID when the object has none).
func (c *Client) Picklists(ctx context.Context, sobject string, recordTypeID ID) (*RecordTypePicklists, error) {
	p, err := c.picklistPath(sobject, recordTypeID, "")
	if err != nil {
		return nil, fmt.Errorf("picklists: %w", err)
	}
	var out RecordTypePicklists
	if err := c.getJSON(ctx, p, nil, &out); err != nil {
		return nil, fmt.Errorf("picklists %s %s: %w", sobject, recordTypeID, err)
	}
	return &out, nil
}

// FieldPicklist fetches the values of one picklist field for a record type.
func (c *Client) FieldPicklist(ctx context.Context, sobject string, recordTypeID ID, field string) (*PicklistValues, error) {
	if field == "" {
		return nil, fmt.Errorf("field picklist %s: empty field name", sobject)
	}
	p, err := c.picklistPath(sobject, recordTypeID, field)
	if err != nil {
		return nil, fmt.Errorf("field picklist: %w", err)
	}
	var out PicklistValues
	if err := c.getJSON(ctx, p, nil, &out); err != nil {
		return nil, fmt.Errorf("picklist %s.%s %s: %w", sobject, field, recordTypeID, err)
	}
	return &out, nil
}
