package emulator

import (
	"sort"
	"strings"

	"github.com/lazyforce/lazyforce/sfdc/soql"
)

// PicklistValue is one value of a picklist field.
type PicklistValue struct {
	Value        string
	Label        string
	Default      bool
	RecordTypes  []string // record type developer names that offer this value; nil means all
	Closed, Won  bool     // OpportunityStage attributes (StageName only)
	Probability  float64  // OpportunityStage default probability (StageName only)
	ForecastName string   // OpportunityStage forecast category name (StageName only)
}

// FieldDef describes one field of an emulated object. It drives describe,
// DML validation and the SOQL catalog.
type FieldDef struct {
	Name             string
	Label            string
	Type             soql.FieldType
	Length           int
	Precision, Scale int
	Digits           int
	Nillable         bool
	Createable       bool
	Updateable       bool
	Defaulted        bool // defaultedOnCreate: the server fills it when absent
	DefaultValue     any
	Picklist         []PicklistValue
	Restricted       bool
	ReferenceTo      []string
	RelationshipName string
	ChildRelName     string // name of the child relationship on the referenced object(s), e.g. "Contacts"
	CascadeDelete    bool
	NameField        bool
	Custom           bool
	Calculated       bool
	ExternalID       bool
	IDLookup         bool
}

// Required reports whether a create must supply the field.
func (f *FieldDef) Required() bool {
	return !f.Nillable && f.Createable && !f.Defaulted && f.Type != "boolean"
}

// ObjectDef describes one emulated sObject.
type ObjectDef struct {
	Name        string
	Label       string
	LabelPlural string
	KeyPrefix   string
	Custom      bool
	Createable  bool
	Updateable  bool
	Deletable   bool
	Fields      []FieldDef
	Children    []soql.ChildRelationship
	// CascadeChildren lists child relationships whose rows are deleted with the parent.
	CascadeChildren map[string]bool

	fieldIndex map[string]int
	catalog    *soql.Object
}

// Field returns the field named name (case-insensitive).
func (o *ObjectDef) Field(name string) (*FieldDef, bool) {
	i, ok := o.fieldIndex[strings.ToLower(name)]
	if !ok {
		return nil, false
	}
	return &o.Fields[i], true
}

// Schema is the set of emulated objects.
type Schema struct {
	objects []*ObjectDef
	byName  map[string]*ObjectDef // by lower-case name
	byExact map[string]*ObjectDef // by name in describe casing
	byPref  map[string]*ObjectDef
}

// newSchema indexes objects and derives child relationships from the
// reference fields that name one.
func newSchema(objects []*ObjectDef) *Schema {
	s := &Schema{byName: map[string]*ObjectDef{}, byExact: map[string]*ObjectDef{}, byPref: map[string]*ObjectDef{}}
	for _, o := range objects {
		o.fieldIndex = make(map[string]int, len(o.Fields))
		for i, f := range o.Fields {
			o.fieldIndex[strings.ToLower(f.Name)] = i
		}
		s.objects = append(s.objects, o)
		s.byName[strings.ToLower(o.Name)] = o
		s.byExact[o.Name] = o
		if o.KeyPrefix != "" {
			s.byPref[o.KeyPrefix] = o
		}
	}
	for _, child := range objects {
		for _, f := range child.Fields {
			if f.ChildRelName == "" {
				continue
			}
			for _, target := range f.ReferenceTo {
				parent, ok := s.byName[strings.ToLower(target)]
				if !ok {
					continue
				}
				parent.Children = append(parent.Children, soql.ChildRelationship{
					Name: f.ChildRelName, Object: child.Name, Field: f.Name,
				})
				if f.CascadeDelete {
					if parent.CascadeChildren == nil {
						parent.CascadeChildren = map[string]bool{}
					}
					parent.CascadeChildren[f.ChildRelName] = true
				}
			}
		}
	}
	for _, o := range objects {
		sort.SliceStable(o.Children, func(i, j int) bool { return o.Children[i].Name < o.Children[j].Name })
		o.catalog = &soql.Object{Name: o.Name, Children: o.Children}
		for _, f := range o.Fields {
			cf := soql.Field{Name: f.Name, Type: f.Type, ReferenceTo: f.ReferenceTo, RelationshipName: f.RelationshipName}
			for _, p := range f.Picklist {
				cf.Picklist = append(cf.Picklist, p.Value)
			}
			o.catalog.Fields = append(o.catalog.Fields, cf)
		}
	}
	return s
}

// Lookup returns the object named name (case-insensitive).
func (s *Schema) Lookup(name string) (*ObjectDef, bool) {
	if o, ok := s.byExact[name]; ok {
		return o, true
	}
	o, ok := s.byName[strings.ToLower(name)]
	return o, ok
}

// ByPrefix returns the object whose ids start with prefix.
func (s *Schema) ByPrefix(prefix string) (*ObjectDef, bool) {
	o, ok := s.byPref[prefix]
	return o, ok
}

// Objects returns all objects in declaration order.
func (s *Schema) Objects() []*ObjectDef { return s.objects }

// Object implements soql.Catalog.
func (s *Schema) Object(name string) (*soql.Object, bool) {
	o, ok := s.Lookup(name)
	if !ok {
		return nil, false
	}
	return o.catalog, true
}
