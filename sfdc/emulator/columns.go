package emulator

import (
	"strconv"
	"strings"

	"github.com/lazyforce/lazyforce/sfdc/soql"
)

// column is one entry of the query?columns=true response.
type column struct {
	Aggregate      bool     `json:"aggregate"`
	ApexType       *string  `json:"apexType"`
	BooleanType    bool     `json:"booleanType"`
	ColumnName     string   `json:"columnName"`
	Custom         bool     `json:"custom"`
	DisplayName    string   `json:"displayName"`
	ForeignKeyName *string  `json:"foreignKeyName"`
	Insertable     bool     `json:"insertable"`
	JoinColumns    []column `json:"joinColumns"`
	NumberType     bool     `json:"numberType"`
	TextType       bool     `json:"textType"`
	Updatable      bool     `json:"updatable"`
}

type columnsResponse struct {
	ColumnMetadata []column `json:"columnMetadata"`
	EntityName     string   `json:"entityName"`
	GroupBy        bool     `json:"groupBy"`
	IDSelected     bool     `json:"idSelected"`
	KeyPrefix      *string  `json:"keyPrefix"`
}

func strPtr(s string) *string { return &s }

func apexType(t soql.FieldType) string {
	switch t {
	case "id", "reference":
		return "Id"
	case "boolean":
		return "Boolean"
	case "int":
		return "Integer"
	case "double", "currency", "percent":
		return "Double"
	case "date":
		return "Date"
	case "datetime":
		return "Datetime"
	}
	return "String"
}

func fieldColumn(f *FieldDef, prefix string) column {
	t := f.Type
	return column{
		ApexType: strPtr(apexType(t)), BooleanType: t == "boolean", ColumnName: f.Name, Custom: f.Custom,
		DisplayName: prefix + f.Name, Insertable: f.Createable, JoinColumns: []column{},
		NumberType: t == "int" || t == "double" || t == "currency" || t == "percent",
		TextType:   apexType(t) == "String", Updatable: f.Updateable,
	}
}

// columnMetadata describes a parsed query's SELECT list the way the
// Salesforce CLI expects from query?columns=true.
func (s *Server) columnMetadata(q *soql.Query) columnsResponse {
	def, _ := s.schema.Lookup(q.From)
	out := columnsResponse{EntityName: def.Name, KeyPrefix: strPtr(def.KeyPrefix)}
	out.ColumnMetadata, out.GroupBy, out.IDSelected = s.columns(def, stripAlias(q), "")
	if out.ColumnMetadata == nil {
		out.ColumnMetadata = []column{}
	}
	return out
}

// columns builds the columns of items selected on def; prefix is the
// relationship path of def from the query's object ("" at the top).
func (s *Server) columns(def *ObjectDef, items []soql.SelectItem, prefix string) (cols []column, grouped, idSelected bool) {
	expr := 0
	parentIdx := map[string]int{}
	for _, it := range items {
		switch {
		case it.Subquery != nil:
			c := column{Aggregate: true, ColumnName: it.Subquery.From, DisplayName: it.Subquery.From, JoinColumns: []column{}}
			for _, rel := range def.Children {
				if strings.EqualFold(rel.Name, it.Subquery.From) {
					c.ColumnName, c.DisplayName = rel.Name, rel.Name
					if child, ok := s.schema.Lookup(rel.Object); ok {
						c.JoinColumns, _, _ = s.columns(child, it.Subquery.Select, "")
					}
				}
			}
			cols = append(cols, c)
		case it.Func != "" || it.DateFunc != "":
			grouped = grouped || it.Func != ""
			name := it.Alias
			if name == "" {
				name = "expr" + strconv.Itoa(expr)
				expr++
			}
			fn := it.Func
			if fn == "" {
				fn = it.DateFunc
			}
			display := fn + "(" + strings.Join(it.Arg, ".") + ")"
			typ := "Double"
			if strings.HasPrefix(fn, "COUNT") || it.DateFunc != "" {
				typ = "Integer"
			}
			cols = append(cols, column{Aggregate: true, ApexType: strPtr(typ), ColumnName: name, DisplayName: display,
				JoinColumns: []column{}, NumberType: true})
		case it.Fields != "":
			for i := range def.Fields {
				f := &def.Fields[i]
				if it.Fields == "ALL" || (it.Fields == "CUSTOM") == f.Custom {
					cols = append(cols, fieldColumn(f, prefix))
					idSelected = idSelected || f.Name == "Id"
				}
			}
		case len(it.Path) == 1:
			f, ok := def.Field(it.Path[0])
			if !ok {
				continue
			}
			if f.Name == "Id" {
				idSelected = true
			}
			c := fieldColumn(f, prefix)
			if it.Alias != "" {
				c.ColumnName, c.DisplayName = it.Alias, it.Alias
			}
			cols = append(cols, c)
		case len(it.Path) > 1:
			rel, target := s.relationship(def, it.Path[0])
			if target == nil {
				continue
			}
			i, seen := parentIdx[strings.ToLower(rel)]
			if !seen {
				i = len(cols)
				parentIdx[strings.ToLower(rel)] = i
				cols = append(cols, column{ColumnName: rel, DisplayName: prefix + rel, JoinColumns: []column{}})
			}
			sub, _, _ := s.columns(target, []soql.SelectItem{{Path: it.Path[1:]}}, prefix+rel+".")
			cols[i].JoinColumns = mergeColumns(cols[i].JoinColumns, sub)
		}
	}
	return cols, grouped, idSelected
}

// mergeColumns appends add to cols, merging relationship columns by name.
func mergeColumns(cols, add []column) []column {
	for _, a := range add {
		merged := false
		for i := range cols {
			if cols[i].ColumnName == a.ColumnName && len(a.JoinColumns) > 0 {
				cols[i].JoinColumns = mergeColumns(cols[i].JoinColumns, a.JoinColumns)
				merged = true
			}
		}
		if !merged {
			cols = append(cols, a)
		}
	}
	return cols
}

// relationship resolves a parent relationship name on def to its name in
// describe casing and the first object it points to.
func (s *Server) relationship(def *ObjectDef, name string) (string, *ObjectDef) {
	for _, f := range def.Fields {
		if f.RelationshipName != "" && strings.EqualFold(f.RelationshipName, name) && len(f.ReferenceTo) > 0 {
			target, _ := s.schema.Lookup(f.ReferenceTo[0])
			return f.RelationshipName, target
		}
	}
	return "", nil
}

// stripAlias removes a leading object alias or object name from select
// paths ("SELECT a.Name FROM Account a", "SELECT Account.Name FROM Account").
func stripAlias(q *soql.Query) []soql.SelectItem {
	out := make([]soql.SelectItem, len(q.Select))
	for i, it := range q.Select {
		if len(it.Path) > 1 && (strings.EqualFold(it.Path[0], q.FromAlias) && q.FromAlias != "" || strings.EqualFold(it.Path[0], q.From)) {
			it.Path = it.Path[1:]
		}
		out[i] = it
	}
	return out
}
