package sfdc

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
)

// GlobalDescribe is GET /sobjects: every object in the org.
type GlobalDescribe struct {
	Encoding     string           `json:"encoding"`
	MaxBatchSize int              `json:"maxBatchSize"`
	SObjects     []SObjectSummary `json:"sobjects"`
}

// SObjectSummary is one object of the global describe.
type SObjectSummary struct {
	Name          string            `json:"name"`
	Label         string            `json:"label"`
	LabelPlural   string            `json:"labelPlural"`
	KeyPrefix     string            `json:"keyPrefix"`
	Custom        bool              `json:"custom"`
	Queryable     bool              `json:"queryable"`
	Createable    bool              `json:"createable"`
	Updateable    bool              `json:"updateable"`
	Deletable     bool              `json:"deletable"`
	Searchable    bool              `json:"searchable"`
	Replicateable bool              `json:"replicateable"`
	URLs          map[string]string `json:"urls,omitempty"`
}

// SObjectDescribe is GET /sobjects/{T}/describe.
type SObjectDescribe struct {
	Name               string              `json:"name"`
	Label              string              `json:"label"`
	LabelPlural        string              `json:"labelPlural"`
	KeyPrefix          string              `json:"keyPrefix"`
	Custom             bool                `json:"custom"`
	Createable         bool                `json:"createable"`
	Updateable         bool                `json:"updateable"`
	Deletable          bool                `json:"deletable"`
	Queryable          bool                `json:"queryable"`
	Searchable         bool                `json:"searchable"`
	Replicateable      bool                `json:"replicateable"`
	Fields             []Field             `json:"fields"`
	ChildRelationships []ChildRelationship `json:"childRelationships"`
	RecordTypeInfos    []RecordTypeInfo    `json:"recordTypeInfos"`
	URLs               map[string]string   `json:"urls,omitempty"`
}

// Field describes one field.
type Field struct {
	Name                  string          `json:"name"`
	Label                 string          `json:"label"`
	Type                  string          `json:"type"`
	SOAPType              string          `json:"soapType,omitempty"`
	Length                int             `json:"length"`
	Precision             int             `json:"precision"`
	Scale                 int             `json:"scale"`
	Digits                int             `json:"digits"`
	Nillable              bool            `json:"nillable"`
	Createable            bool            `json:"createable"`
	Updateable            bool            `json:"updateable"`
	Custom                bool            `json:"custom"`
	Calculated            bool            `json:"calculated"`
	AutoNumber            bool            `json:"autoNumber"`
	Unique                bool            `json:"unique"`
	ExternalID            bool            `json:"externalId"`
	IDLookup              bool            `json:"idLookup"`
	NameField             bool            `json:"nameField"`
	Filterable            bool            `json:"filterable"`
	Sortable              bool            `json:"sortable"`
	Groupable             bool            `json:"groupable"`
	Aggregatable          bool            `json:"aggregatable"`
	DefaultedOnCreate     bool            `json:"defaultedOnCreate"`
	DefaultValue          json.RawMessage `json:"defaultValue,omitempty"`
	PicklistValues        []PicklistEntry `json:"picklistValues"`
	RestrictedPicklist    bool            `json:"restrictedPicklist"`
	DependentPicklist     bool            `json:"dependentPicklist"`
	ControllerName        string          `json:"controllerName,omitempty"`
	ReferenceTo           []string        `json:"referenceTo"`
	RelationshipName      string          `json:"relationshipName,omitempty"`
	PolymorphicForeignKey bool            `json:"polymorphicForeignKey"`
	ExtraTypeInfo         string          `json:"extraTypeInfo,omitempty"`
	InlineHelpText        string          `json:"inlineHelpText,omitempty"`
	HTMLFormatted         bool            `json:"htmlFormatted"`
}

// PicklistEntry is one picklist value in a describe.
type PicklistEntry struct {
	Active       bool   `json:"active"`
	DefaultValue bool   `json:"defaultValue"`
	Label        string `json:"label"`
	Value        string `json:"value"`
	// ValidFor is the base64 bitmap over the controlling field's values
	// (empty for independent picklists).
	ValidFor string `json:"validFor,omitempty"`
}

// ChildRelationship describes a relationship from a child object.
type ChildRelationship struct {
	ChildSObject     string `json:"childSObject"`
	Field            string `json:"field"`
	RelationshipName string `json:"relationshipName,omitempty"`
	CascadeDelete    bool   `json:"cascadeDelete"`
	RestrictedDelete bool   `json:"restrictedDelete"`
}

// RecordTypeInfo describes one record type of the object.
type RecordTypeInfo struct {
	Active                   bool              `json:"active"`
	Available                bool              `json:"available"`
	DefaultRecordTypeMapping bool              `json:"defaultRecordTypeMapping"`
	Master                   bool              `json:"master"`
	Name                     string            `json:"name"`
	DeveloperName            string            `json:"developerName,omitempty"`
	RecordTypeID             ID                `json:"recordTypeId"`
	URLs                     map[string]string `json:"urls,omitempty"`
}

// MasterRecordTypeID is the id of every object's master record type.
const MasterRecordTypeID ID = "012000000000000AAA"

// Field returns the field with the given name (case-insensitive), or nil.
func (d *SObjectDescribe) Field(name string) *Field {
	for i := range d.Fields {
		if strings.EqualFold(d.Fields[i].Name, name) {
			return &d.Fields[i]
		}
	}
	return nil
}

// FieldByRelationship returns the lookup field whose relationshipName is
// rel (e.g. "Owner" → OwnerId), or nil.
func (d *SObjectDescribe) FieldByRelationship(rel string) *Field {
	for i := range d.Fields {
		if d.Fields[i].RelationshipName != "" && strings.EqualFold(d.Fields[i].RelationshipName, rel) {
			return &d.Fields[i]
		}
	}
	return nil
}

// ChildRelationship returns the child relationship named rel (e.g.
// "Contacts"), or nil.
func (d *SObjectDescribe) ChildRelationship(rel string) *ChildRelationship {
	for i := range d.ChildRelationships {
		if strings.EqualFold(d.ChildRelationships[i].RelationshipName, rel) {
			return &d.ChildRelationships[i]
		}
	}
	return nil
}

// DefaultRecordType returns the record type marked as the user's default,
// or the master, or nil.
func (d *SObjectDescribe) DefaultRecordType() *RecordTypeInfo {
	var master *RecordTypeInfo
	for i := range d.RecordTypeInfos {
		rt := &d.RecordTypeInfos[i]
		if rt.DefaultRecordTypeMapping {
			return rt
		}
		if rt.Master {
			master = rt
		}
	}
	return master
}

// DefaultString returns the field's default value when it is a string
// (describe reports picklist defaults this way), else "".
func (f *Field) DefaultString() string {
	var s string
	if len(f.DefaultValue) == 0 || json.Unmarshal(f.DefaultValue, &s) != nil {
		return ""
	}
	return s
}

// ActivePicklistValues returns the active picklist values in order.
func (f *Field) ActivePicklistValues() []PicklistEntry {
	var out []PicklistEntry
	for _, p := range f.PicklistValues {
		if p.Active {
			out = append(out, p)
		}
	}
	return out
}

// DescribeGlobal lists all objects (GET /sobjects).
func (c *Client) DescribeGlobal(ctx context.Context) (*GlobalDescribe, error) {
	var g GlobalDescribe
	if err := c.getJSON(ctx, c.DataPath("sobjects")+"/", nil, &g); err != nil {
		return nil, fmt.Errorf("describe global: %w", err)
	}
	return &g, nil
}

// Describe fetches the full describe of one object.
func (c *Client) Describe(ctx context.Context, sobject string) (*SObjectDescribe, error) {
	if err := ValidateName(sobject); err != nil {
		return nil, fmt.Errorf("describe: %w", err)
	}
	var d SObjectDescribe
	if err := c.getJSON(ctx, c.DataPath("sobjects", sobject, "describe"), nil, &d); err != nil {
		return nil, fmt.Errorf("describe %s: %w", sobject, err)
	}
	return &d, nil
}
