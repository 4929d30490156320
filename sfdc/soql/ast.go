package soql

// Query is a parsed SOQL statement.
//
// Contract fields used outside this package (the emulator builds column
// metadata from them): Text, From, Select. The parser adds the rest.
type Query struct {
	Text   string       // the statement as given
	From   string       // object name as written (for a child subquery: the relationship name, unqualified)
	Select []SelectItem // in SELECT order

	FromPath  []string    // FROM as written, split on dots (e.g. ["Account","Contacts"])
	FromAlias string      // object alias after FROM, "" if none
	Where     Expr        // nil when there is no WHERE
	With      string      // WITH clause keyword, e.g. "SECURITY_ENFORCED"; "" if none
	GroupBy   []GroupItem // GROUP BY items, nil if none
	Having    Expr        // nil when there is no HAVING
	OrderBy   []OrderItem // ORDER BY keys in order
	Limit     int         // -1 when there is no LIMIT
	Offset    int         // 0 when there is no OFFSET
	For       []string    // FOR VIEW / UPDATE / REFERENCE keywords, upper case

	fromPos Pos // position of the FROM object name
}

// Pos is a 1-based row/column position in the statement.
type Pos struct {
	Row, Col int
}

// SelectItem is one entry of the SELECT list.
type SelectItem struct {
	Path     []string // field path as written, e.g. ["Owner","Name"]; nil for aggregates and subqueries
	Func     string   // aggregate function, upper case ("COUNT", "SUM", ...); "" for plain fields
	Alias    string   // alias as written, "" if none
	Subquery *Query   // child subquery, nil otherwise

	// Arg is the field path inside Func(...), nil for COUNT().
	Arg []string
	// DateFunc is a date function applied to a plain field, upper case
	// ("CALENDAR_YEAR", "FISCAL_QUARTER", ...); the field is in Arg and
	// Path is nil. "" otherwise.
	DateFunc string
	// ConvertTimezone is true for DATEFUNC(convertTimezone(field)): the
	// date function reads a datetime in the user's time zone, not UTC.
	ConvertTimezone bool
	// TypeOf is a TYPEOF expression on a polymorphic relationship; Path is
	// nil then.
	TypeOf *TypeOf
	// Fields is "ALL", "STANDARD" or "CUSTOM" for FIELDS(...); "" otherwise.
	Fields string
	// Pos is where the item starts.
	Pos Pos
}

// TypeOf is "TYPEOF What WHEN Account THEN Phone WHEN Opportunity THEN
// Amount ELSE Name END": the fields selected depend on the parent's type.
type TypeOf struct {
	Relationship string // polymorphic relationship name as written, e.g. "What"
	When         []TypeOfWhen
	Else         [][]string // field paths for other types; nil if no ELSE
	Pos          Pos
}

// TypeOfWhen is one "WHEN Type THEN fields" branch.
type TypeOfWhen struct {
	Object string     // object name as written
	Fields [][]string // field paths on that object
	Pos    Pos
}

// Expr is a WHERE or HAVING condition: *BinaryExpr, *NotExpr or *Condition.
type Expr interface{ isExpr() }

// BinaryExpr is "L AND R" or "L OR R".
type BinaryExpr struct {
	Op          string // "AND" or "OR"
	Left, Right Expr
}

// NotExpr is "NOT X".
type NotExpr struct {
	X Expr
}

// Operand is the left side of a condition: a field path, optionally wrapped
// in an aggregate or date function.
type Operand struct {
	Path            []string // field path; nil for COUNT()
	Func            string   // aggregate function (HAVING) or date function, upper case; "" for a plain field
	ConvertTimezone bool     // date function over convertTimezone(field)
	Pos             Pos
}

// Condition is "Operand Op Value(s)".
type Condition struct {
	Left Operand
	// Op is one of = != < <= > >= LIKE IN NOT IN INCLUDES EXCLUDES
	// ("<>" is normalised to "!=").
	Op       string
	Value    Value   // for scalar operators
	Values   []Value // for IN, NOT IN, INCLUDES, EXCLUDES with a list
	Subquery *Query  // for semi-joins (IN) and anti-joins (NOT IN)
	Pos      Pos     // position of the value, for error messages
}

// ValueKind classifies a literal.
type ValueKind int

// Literal kinds.
const (
	ValNull        ValueKind = iota
	ValString                // Str holds the text
	ValNumber                // Num holds the value
	ValBool                  // Bool holds the value
	ValDate                  // Str holds "2006-01-02"
	ValDateTime              // Str holds the literal as written
	ValDateLiteral           // Str holds the upper-case name (e.g. "LAST_N_DAYS"), N the argument
)

// Value is a literal in a condition.
type Value struct {
	Kind ValueKind
	Str  string
	Num  float64
	Bool bool
	N    int // argument of a LAST_N_DAYS:n style date literal
	Pos  Pos

	like string // string literal with LIKE escapes kept (\_, \%, \\)
}

// GroupItem is one GROUP BY key: a field path, optionally in a date function.
type GroupItem struct {
	Path            []string
	DateFunc        string // "" or e.g. "CALENDAR_QUARTER"
	ConvertTimezone bool   // date function over convertTimezone(field)
	Pos             Pos
}

// OrderItem is one ORDER BY key.
type OrderItem struct {
	Path []string // field path; for aggregates the argument (nil for COUNT())
	Func string   // aggregate or date function, "" for a plain field
	// ConvertTimezone is true for a date function over convertTimezone(field).
	ConvertTimezone bool
	Desc            bool
	NullsLast       bool // true for NULLS LAST; NULLS FIRST is the default
	NullsGiven      bool // NULLS FIRST/LAST was written
	Pos             Pos
}

func (*BinaryExpr) isExpr() {}
func (*NotExpr) isExpr()    {}
func (*Condition) isExpr()  {}
