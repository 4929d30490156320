// Package soql parses SOQL and evaluates it over in-memory records.
//
// One engine serves two places: the emulator (so it answers queries like an
// org) and the offline cache (so the same SOQL runs on cached records with no
// network). Results come back in Salesforce's own wire shape.
//
// This file is the package's contract with its callers (sfdc/emulator and
// store). Keep these names stable; add to them rather than change them.
//
// Semantics chosen to match Salesforce (and its documentation where
// behaviour is not observable here):
//   - Keywords, object and field names are case-insensitive; output uses
//     describe casing. Text comparisons, LIKE, IN and GROUP BY on text are
//     case-insensitive; ORDER BY sorts text by its upper-case form.
//   - Logic is two-valued: a null field is "!=" any value and "NOT IN" any
//     list; <, >, LIKE and INCLUDES are false on null. An empty string
//     literal means null.
//     Booleans are never null: null reads as false.
//   - ORDER BY puts nulls first unless NULLS LAST, in both directions
//     (documented default, no DESC exception); picklists sort in setup order
//     when Field.Picklist is given; ties keep the Source's scan order.
//   - Date literals are day ranges in Env.Location at Env.Now: "=" is
//     "within", "<" is before the start, ">" after the end. A date value or
//     literal against a datetime field uses the same range as instants.
//   - Deleted rows (IsDeleted=true) are skipped unless Env.IncludeDeleted.
//   - Unaliased aggregates and date functions in an aggregate query are
//     named expr0, expr1, ... in SELECT order.
//   - Errors are *Error with Salesforce's codes and messages:
//     MALFORMED_QUERY, INVALID_FIELD, INVALID_TYPE,
//     INVALID_QUERY_FILTER_OPERATOR, NUMBER_OUTSIDE_VALID_RANGE.
package soql

import (
	"context"
	"time"
)

// FieldType is a describe field type name: "id", "string", "textarea",
// "picklist", "multipicklist", "combobox", "reference", "boolean",
// "currency", "double", "percent", "int", "date", "datetime", "email",
// "phone", "url", "address", ...
type FieldType string

// Field describes one queryable field of an object.
type Field struct {
	Name             string    // API name in describe casing, e.g. "AccountId"
	Type             FieldType // describe type
	ReferenceTo      []string  // objects a reference field may point to
	RelationshipName string    // "Account" for AccountId; "" when not a lookup
	// Picklist lists a picklist's values in setup order (describe
	// picklistValues order). ORDER BY, MIN and MAX sort picklists in this
	// order, as Salesforce does; nil sorts them alphabetically.
	Picklist []string
}

// ChildRelationship describes a child subquery target, e.g. Account.Contacts.
type ChildRelationship struct {
	Name   string // relationship name, e.g. "Contacts"
	Object string // child object, e.g. "Contact"
	Field  string // lookup field on the child pointing at the parent, e.g. "AccountId"
}

// Object describes an sObject for the evaluator.
type Object struct {
	Name     string // API name in describe casing, e.g. "Opportunity"
	Fields   []Field
	Children []ChildRelationship
}

// Catalog resolves object names case-insensitively.
type Catalog interface {
	Object(name string) (*Object, bool)
}

// Record is one row keyed by field API name (describe casing). Values are as
// Salesforce serialises them in JSON: nil, bool, float64, or string (dates as
// "2006-01-02", datetimes as "2006-01-02T15:04:05.000+0000").
type Record = map[string]any

// Source gives the evaluator the rows.
type Source interface {
	// Scan calls fn for every row of object, deleted rows included (they carry
	// IsDeleted=true), until fn returns false. need lists the fields the query
	// reads on that object; it is a hint, a source may return more.
	Scan(object string, need []string, fn func(Record) bool) error
	// Get returns the row with the given 18-character Id, whatever its
	// object (lookups may be polymorphic), and the row's object name.
	Get(id string) (object string, r Record, ok bool)
}

// ChildSource is an optional fast path for child subqueries: rows of object
// whose field equals parentID. Sources without it are scanned.
type ChildSource interface {
	Children(object, field, parentID string, fn func(Record) bool) error
}

// ChildFieldSource is ChildSource told which fields the child subquery
// reads (need, a hint as for Scan); the evaluator prefers it to
// ChildSource. A source that keeps decoded records answers from them.
type ChildFieldSource interface {
	ChildrenFields(object, field, parentID string, need []string, fn func(Record) bool) error
}

// ChildColumnSource is ChildFieldSource answering from columns: the
// evaluator prefers it to ChildFieldSource and reads the child rows' fields
// by position.
type ChildColumnSource interface {
	// ChildColumns returns the positions in cols (of need's fields, as for
	// ScanColumns; the same cols for every call of one query) of the rows
	// ChildrenFields would yield, in its order. handled is false when the
	// source does not hold object's records as columns: the evaluator
	// then asks otherwise. pos is shared: not to be changed.
	ChildColumns(object, field, parentID string, need []string) (cols Columns, pos []int32, handled bool, err error)
}

// ChildRowColumns is Columns (of a scan of a ChildColumnSource) that
// also find every row's child rows by the row's position: a child
// subquery without an Id look-up per parent.
type ChildRowColumns interface {
	Columns
	// ChildRows returns what ChildColumnSource.ChildColumns returns for
	// the parentID of every row i of these columns (its value of need[0],
	// "Id"): the child columns, and the positions there of row i's
	// children, pos[start[i]:start[i+1]]; ok is false when the source
	// cannot tell. The slices are shared: not to be changed.
	ChildRows(object, field string, need []string) (child Columns, start, pos []int32, ok bool, err error)
}

// TransientSource is an optional Scan that may pass the same Record, with
// the next row's values, to every call of fn: a Record is valid only until
// fn returns. The evaluator prefers it to Scan and copies the rows it
// keeps, so a source that makes Records from another representation makes
// one per scan rather than one per row.
type TransientSource interface {
	ScanTransient(object string, need []string, fn func(Record) bool) error
}

// Columns are the fields of one scan (ColumnSource), read by row position.
type Columns interface {
	// Value returns the value of need[f] (need as passed to ScanColumns)
	// in row i: nil when null, absent or not held.
	Value(f, i int) any
	// Record returns row i as a Record holding need's fields: a new map,
	// which the caller keeps.
	Record(i int) Record
}

// CodedColumns is Columns that tell, for a dictionary-coded field, the
// code of a row's value: rows of one scan with the same code in a field
// hold the same value there.
type CodedColumns interface {
	Columns
	// Code returns the code of need[f] in row i, and false when need[f]
	// is not dictionary-coded.
	Code(f, i int) (int, bool)
}

// ParentColumns is CodedColumns that also read, by the code of a lookup
// field, a field of the parent record the code's id names (the record
// Source.Get returns): a lookup followed without a Get per row.
type ParentColumns interface {
	CodedColumns
	// ParentField returns, indexed by the codes of need[f], the value of
	// field (describe casing) of the record of object whose Id is the
	// code's value, and whether that record was found (when not, the
	// lookup is to be followed through Source.Get); ok is false when the
	// source cannot tell. The slices are shared: not to be changed.
	ParentField(f int, object, field string) (vals []any, found []bool, ok bool)
}

// ParentRowColumns is Columns that also find rows' parent records in
// columns: a nested parent record is read from them, without a Get or a
// record per row.
type ParentRowColumns interface {
	Columns
	// ParentRows returns columns of object's records holding "Id" then
	// fields (describe casing), as Columns of need "Id" and fields, and
	// for every row i of these columns the position there of the record
	// whose Id is row i's value of need[f] (the record Source.Get
	// returns), or -1 when there is none (the lookup is then followed
	// through Source.Get); ok is false when the source cannot tell. pos is
	// shared: not to be changed.
	ParentRows(f int, object string, fields []string) (parent Columns, pos []int32, ok bool)
}

// TypedColumns is Columns that also tell nulls and numbers without making
// values of them: COUNT, SUM and AVG of a plain field read them.
type TypedColumns interface {
	Columns
	// Null reports whether need[f] is null in row i (nil or "").
	Null(f, i int) bool
	// Number returns need[f] in row i when it is a number.
	Number(f, i int) (float64, bool)
}

// TextColumns is Columns that also read text without boxing it: a row's
// Id is read once per output record.
type TextColumns interface {
	Columns
	// Text returns need[f] in row i when it is text, else "".
	Text(f, i int) string
}

// ColumnSource is an optional Scan over records a source holds as columns:
// the evaluator reads the fields it needs by position and makes Records
// only of the rows it keeps. The evaluator prefers it to TransientSource
// and Scan.
type ColumnSource interface {
	// ScanColumns calls fn with the position of every row of object,
	// deleted rows included, in Scan's order, until fn returns false; cols
	// is the same for every call. handled is false when the source does
	// not hold object's records as columns: it then called fn for no row,
	// and the evaluator scans otherwise.
	ScanColumns(object string, need []string, fn func(cols Columns, i int) bool) (handled bool, err error)
}

// Env is everything evaluation depends on besides the query.
type Env struct {
	Catalog Catalog
	Source  Source
	// Now is the clock for date literals; nil means time.Now.
	Now func() time.Time
	// Location is the user's time zone for date literals; nil means UTC.
	Location *time.Location
	// FiscalYearStartMonth is 1..12 (the org's setting); 0 means January.
	FiscalYearStartMonth int
	// WeekStart is the locale's first day of the week (default Sunday).
	WeekStart time.Weekday
	// IncludeDeleted makes the query behave as queryAll.
	IncludeDeleted bool
	// APIVersion like "62.0" is used to build attributes.url.
	APIVersion string
}

// Result is a query response in Salesforce's shape, before paging:
// {"totalSize":N,"done":true,"records":[...]}.
type Result struct {
	TotalSize int
	Records   []*Row
}

// Row is a JSON object with keys in Salesforce's order: "attributes" first,
// then the selected fields in SELECT order. A value is nil, bool, float64,
// string, *Row (a parent relationship or attributes) or *ChildSet.
type Row struct {
	Keys   []string
	Values []any
}

// ChildSet is a child subquery result: {"totalSize","done","records"}.
type ChildSet struct {
	TotalSize int
	Done      bool
	Records   []*Row
}

// Error is a query error as Salesforce reports it. Code is the errorCode
// (MALFORMED_QUERY, INVALID_FIELD, INVALID_TYPE, ...); Message is exactly the
// "message" Salesforce would send, including its
// "\n<soql>\n   ^\nERROR at Row:1:Column:N\n..." form where it uses one.
type Error struct {
	Code    string
	Message string
	Row     int
	Column  int
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Execute evaluates a parsed query. Callers page the Result themselves.
func Execute(ctx context.Context, env Env, q *Query) (*Result, error) {
	return execute(ctx, env, q)
}
