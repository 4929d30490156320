package store

import (
	"encoding/json"
	"fmt"
	"strings"

	bolt "go.etcd.io/bbolt"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/sfdc/soql"
)

// catalog is the soql.Catalog built from the cached describes.
type catalog struct {
	objects  map[string]*soql.Object // lower-case name -> object
	prefixes map[string]string       // key prefix -> object name
}

// describeDoc is the part of a describe result the catalog needs.
type describeDoc struct {
	Name      string `json:"name"`
	KeyPrefix string `json:"keyPrefix"`
	Fields    []struct {
		Name             string   `json:"name"`
		Type             string   `json:"type"`
		ReferenceTo      []string `json:"referenceTo"`
		RelationshipName string   `json:"relationshipName"`
		PicklistValues   []struct {
			Value  string `json:"value"`
			Active bool   `json:"active"`
		} `json:"picklistValues"`
	} `json:"fields"`
	ChildRelationships []struct {
		ChildSObject     string `json:"childSObject"`
		Field            string `json:"field"`
		RelationshipName string `json:"relationshipName"`
	} `json:"childRelationships"`
}

// Object implements soql.Catalog.
func (c *catalog) Object(name string) (*soql.Object, bool) {
	o, ok := c.objects[strings.ToLower(name)]
	return o, ok
}

// objectForPrefix maps an Id's key prefix to its object.
func (c *catalog) objectForPrefix(prefix string) (string, bool) {
	if o, ok := c.prefixes[prefix]; ok {
		return o, true
	}
	if len(prefix) == 3 {
		return sfdc.ID(prefix + "000000000000000").ObjectType()
	}
	return "", false
}

func (s *Store) invalidateCatalog() {
	s.mu.Lock()
	s.catalog = nil
	s.mu.Unlock()
}

// Catalog returns the soql.Catalog of the cached describes (objects without a
// cached describe are unknown to offline SOQL).
func (s *Store) Catalog() (soql.Catalog, error) {
	return s.loadCatalog()
}

func (s *Store) loadCatalog() (*catalog, error) {
	// Another process may have cached new describes since the catalog was
	// built: its generation tells.
	gen, err := s.Generation()
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.catalog != nil && s.catalogGen == gen {
		return s.catalog, nil
	}
	cat := &catalog{objects: map[string]*soql.Object{}, prefixes: map[string]string{}}
	err = s.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketDescribe).ForEach(func(k, v []byte) error {
			var st stamped
			if err := json.Unmarshal(v, &st); err != nil {
				return fmt.Errorf("decode cached describe of %s: %w", k, err)
			}
			obj, prefix, err := parseDescribe(st.Body)
			if err != nil {
				return fmt.Errorf("cached describe of %s: %w", k, err)
			}
			cat.objects[strings.ToLower(obj.Name)] = obj
			if prefix != "" {
				cat.prefixes[prefix] = obj.Name
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("build catalog: %w", err)
	}
	s.catalog, s.catalogGen = cat, gen
	return cat, nil
}

// parseDescribe converts a describe result to a soql.Object.
func parseDescribe(raw []byte) (*soql.Object, string, error) {
	var d describeDoc
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil, "", fmt.Errorf("decode describe: %w", err)
	}
	if d.Name == "" {
		return nil, "", fmt.Errorf("describe has no name")
	}
	obj := &soql.Object{Name: d.Name}
	for _, f := range d.Fields {
		field := soql.Field{
			Name: f.Name, Type: soql.FieldType(f.Type), ReferenceTo: f.ReferenceTo, RelationshipName: f.RelationshipName,
		}
		// Salesforce sorts picklists in their setup order (StageName in
		// pipeline order), so offline ORDER BY/MIN/MAX agree with the org.
		for _, v := range f.PicklistValues {
			if v.Active {
				field.Picklist = append(field.Picklist, v.Value)
			}
		}
		obj.Fields = append(obj.Fields, field)
	}
	for _, c := range d.ChildRelationships {
		if c.RelationshipName == "" {
			continue
		}
		obj.Children = append(obj.Children, soql.ChildRelationship{Name: c.RelationshipName, Object: c.ChildSObject, Field: c.Field})
	}
	return obj, d.KeyPrefix, nil
}
