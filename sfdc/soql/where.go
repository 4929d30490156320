package soql

import (
	"fmt"
	"strings"
	"time"
)

// pred is a compiled condition.
type pred func(Record) bool

// operand is a resolved condition or ORDER BY operand.
type operand struct {
	get  getter
	kind valueKind    // how its values compare
	name string       // field name for error messages
	rank picklistRank // picklist setup order for sorting, nil otherwise
}

// operandResolver resolves the left side of a condition or an ORDER BY key.
type operandResolver func(op Operand) (operand, error)

// nullAsFalse reads a boolean with null as false: Salesforce booleans are
// never null ("null is treated as false", also for outer-joined parents).
func nullAsFalse(get getter) getter {
	return func(r Record) any {
		if v := get(r); v != nil {
			return v
		}
		return false
	}
}

// litVal is a literal converted for comparison with one kind of field.
type litVal struct {
	null    bool
	s       string  // string, id, multipicklist value
	n       float64 // number
	b       bool    // boolean
	isRange bool    // date/datetime: [lo, hi) as canonical strings
	lo, hi  string
}

// compileExpr compiles a WHERE or HAVING expression.
func (x *executor) compileExpr(e Expr, resolve operandResolver) (pred, error) {
	switch e := e.(type) {
	case *BinaryExpr:
		l, err := x.compileExpr(e.Left, resolve)
		if err != nil {
			return nil, err
		}
		r, err := x.compileExpr(e.Right, resolve)
		if err != nil {
			return nil, err
		}
		if e.Op == "AND" {
			return func(rec Record) bool { return l(rec) && r(rec) }, nil
		}
		return func(rec Record) bool { return l(rec) || r(rec) }, nil
	case *NotExpr:
		in, err := x.compileExpr(e.X, resolve)
		if err != nil {
			return nil, err
		}
		return func(rec Record) bool { return !in(rec) }, nil
	case *Condition:
		return x.compileCondition(e, resolve)
	}
	return nil, fmt.Errorf("soql: unknown expression %T", e)
}

func (x *executor) compileCondition(c *Condition, resolve operandResolver) (pred, error) {
	opd, err := resolve(c.Left)
	if err != nil {
		return nil, err
	}
	get, kind, name := opd.get, opd.kind, opd.name
	if kind == kindBool {
		get = nullAsFalse(get)
	}
	switch c.Op {
	case "LIKE":
		if c.Value.Kind == ValNull {
			return func(Record) bool { return false }, nil
		}
		if c.Value.Kind != ValString {
			return nil, x.badValue(c.Value, name, kind)
		}
		pat := compileLike(c.Value.like)
		return func(r Record) bool {
			s, ok := get(r).(string)
			return ok && s != "" && likeMatch(pat, s)
		}, nil
	case "IN", "NOT IN":
		var match func(any) bool
		if c.Subquery != nil {
			set, err := x.semiJoinSet(c.Subquery)
			if err != nil {
				return nil, err
			}
			match = func(v any) bool {
				s, ok := v.(string)
				if !ok || s == "" {
					return false
				}
				_, in := set[memberKey(kind, s)]
				return in
			}
		} else {
			lits := make([]litVal, len(c.Values))
			for i, v := range c.Values {
				if lits[i], err = x.compileLit(kind, v, name); err != nil {
					return nil, err
				}
			}
			match = func(v any) bool {
				for i := range lits {
					if equalsLit(kind, v, &lits[i]) {
						return true
					}
				}
				return false
			}
		}
		if c.Op == "IN" {
			return func(r Record) bool { return match(get(r)) }, nil
		}
		return func(r Record) bool { return !match(get(r)) }, nil
	case "INCLUDES", "EXCLUDES":
		var terms []string
		for _, v := range c.Values {
			if v.Kind != ValString {
				return nil, x.badValue(v, name, kind)
			}
			terms = append(terms, v.Str)
		}
		includes := func(r Record) bool {
			s, ok := get(r).(string)
			if !ok || s == "" {
				return false
			}
			for _, t := range terms {
				if multiIncludes(s, t) {
					return true
				}
			}
			return false
		}
		if c.Op == "INCLUDES" {
			return includes, nil
		}
		return func(r Record) bool { return !includes(r) }, nil
	}
	lit, err := x.compileLit(kind, c.Value, name)
	if err != nil {
		return nil, err
	}
	op := c.Op
	if lit.null {
		switch op {
		case "=":
			return func(r Record) bool { return isNull(get(r)) }, nil
		case "!=":
			return func(r Record) bool { return !isNull(get(r)) }, nil
		}
		return func(Record) bool { return false }, nil
	}
	if op == "=" {
		return func(r Record) bool { return equalsLit(kind, get(r), &lit) }, nil
	}
	if op == "!=" {
		// SOQL is two-valued: a null field is "not equal" to a value.
		return func(r Record) bool { return !equalsLit(kind, get(r), &lit) }, nil
	}
	return func(r Record) bool {
		v := get(r)
		if isNull(v) {
			return false
		}
		return compareLit(kind, op, v, &lit)
	}, nil
}

// memberKey normalises a value for semi-join set membership.
func memberKey(k valueKind, s string) string {
	if k == kindID {
		return idKey(s)
	}
	return strings.ToLower(s)
}

// equalsLit reports whether v equals (or, for ranges, lies within) lit.
func equalsLit(k valueKind, v any, l *litVal) bool {
	if l.null {
		return isNull(v)
	}
	if isNull(v) {
		return false
	}
	if l.isRange {
		s, ok := rangeValue(k, v)
		return ok && l.lo <= s && s < l.hi
	}
	switch k {
	case kindNumber:
		f, ok := toFloat(v)
		return ok && f == l.n
	case kindBool:
		b, ok := v.(bool)
		return ok && b == l.b
	case kindID:
		s, ok := v.(string)
		return ok && idEqual(s, l.s)
	case kindMulti:
		s, ok := v.(string)
		return ok && multiIncludes(s, l.s) && multiIncludes(l.s, s)
	}
	s, ok := v.(string)
	if !ok {
		return false
	}
	return compareFold(s, l.s) == 0
}

// rangeValue returns a date or datetime value in the canonical string form
// literal ranges use.
func rangeValue(k valueKind, v any) (string, bool) {
	s, ok := v.(string)
	if !ok {
		return "", false
	}
	if k == kindDateTime {
		return normDateTime(s), true
	}
	if len(s) != 10 {
		t, ok := parseStoredDateTime(s)
		if !ok {
			return "", false
		}
		return t.Format(dateLayout), true
	}
	return s, true
}

// compareLit applies < <= > >= to a non-null value.
func compareLit(k valueKind, op string, v any, l *litVal) bool {
	if l.isRange {
		s, ok := rangeValue(k, v)
		if !ok {
			return false
		}
		switch op {
		case "<":
			return s < l.lo
		case "<=":
			return s < l.hi
		case ">":
			return s >= l.hi
		case ">=":
			return s >= l.lo
		}
		return false
	}
	var c int
	switch k {
	case kindNumber:
		f, ok := toFloat(v)
		if !ok {
			return false
		}
		switch {
		case f < l.n:
			c = -1
		case f > l.n:
			c = 1
		}
	case kindBool:
		b, ok := v.(bool)
		if !ok {
			return false
		}
		c = compareValues(kindBool, b, l.b)
	default:
		s, ok := v.(string)
		if !ok {
			return false
		}
		if k == kindID {
			c = strings.Compare(s, l.s)
		} else {
			c = compareFold(s, l.s)
		}
	}
	switch op {
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	case ">=":
		return c >= 0
	}
	return false
}

// compileLit converts a literal for comparison with a field of kind k.
func (x *executor) compileLit(k valueKind, v Value, name string) (litVal, error) {
	if v.Kind == ValString && v.Str == "" && k != kindBool && k != kindNumber {
		// Salesforce stores no empty text: '' means null.
		v.Kind = ValNull
	}
	if v.Kind == ValNull {
		if k == kindBool {
			return litVal{b: false}, nil // "= null" on a boolean is "= false"
		}
		return litVal{null: true}, nil
	}
	switch k {
	case kindNumber:
		if v.Kind == ValNumber {
			return litVal{n: v.Num}, nil
		}
	case kindBool:
		if v.Kind == ValBool {
			return litVal{b: v.Bool}, nil
		}
	case kindDate:
		var r dateRange
		switch v.Kind {
		case ValDate:
			d, err := time.Parse(dateLayout, v.Str)
			if err != nil {
				return litVal{}, posError(CodeMalformedQuery, x.text, v.Pos, fmt.Sprintf("invalid date: %s", v.Str))
			}
			r = dateRange{d, d.AddDate(0, 0, 1)}
		case ValDateTime:
			t, err := parseDateTimeLiteral(v.Str)
			if err != nil {
				return litVal{}, x.badValue(v, name, k)
			}
			t = t.In(x.cal.loc)
			d := civilDate(t.Year(), t.Month(), t.Day())
			r = dateRange{d, d.AddDate(0, 0, 1)}
		case ValDateLiteral:
			var err error
			if r, err = x.cal.dateLiteralRange(v.Str, v.N); err != nil {
				return litVal{}, x.badValue(v, name, k)
			}
		default:
			return litVal{}, x.badValue(v, name, k)
		}
		return litVal{isRange: true, lo: r.Start.Format(dateLayout), hi: r.End.Format(dateLayout)}, nil
	case kindDateTime:
		switch v.Kind {
		case ValDateTime:
			t, err := parseDateTimeLiteral(v.Str)
			if err != nil {
				return litVal{}, x.badValue(v, name, k)
			}
			p := formatDateTime(t)
			// A point: [p, p+"\x00") holds exactly p among canonical strings.
			return litVal{isRange: true, lo: p, hi: p + "\x00"}, nil
		case ValDate, ValDateLiteral:
			var r dateRange
			if v.Kind == ValDate {
				d, err := time.Parse(dateLayout, v.Str)
				if err != nil {
					return litVal{}, x.badValue(v, name, k)
				}
				r = dateRange{d, d.AddDate(0, 0, 1)}
			} else {
				var err error
				if r, err = x.cal.dateLiteralRange(v.Str, v.N); err != nil {
					return litVal{}, x.badValue(v, name, k)
				}
			}
			return litVal{isRange: true, lo: formatDateTime(x.cal.instant(r.Start)), hi: formatDateTime(x.cal.instant(r.End))}, nil
		}
	case kindID:
		if v.Kind == ValString {
			if !validIDLiteral(v.Str) {
				return litVal{}, posError(CodeInvalidFilterValue, x.text, v.Pos, "invalid ID field: "+v.Str)
			}
			return litVal{s: v.Str}, nil
		}
	case kindMulti:
		if v.Kind == ValString {
			return litVal{s: v.Str}, nil
		}
	default:
		switch v.Kind {
		case ValString, ValNumber, ValDate, ValDateTime:
			return litVal{s: v.Str}, nil
		case ValBool:
			return litVal{s: fmt.Sprint(v.Bool)}, nil
		}
	}
	return litVal{}, x.badValue(v, name, k)
}

// badValue reports a literal of the wrong type for its field.
func (x *executor) badValue(v Value, name string, k valueKind) *Error {
	var want string
	switch k {
	case kindNumber:
		want = "value of filter criterion for field '%s' must be of type double and should not be enclosed in quotes"
	case kindBool:
		want = "value of filter criterion for field '%s' must be of type boolean and should not be enclosed in quotes"
	case kindDate:
		want = "value of filter criterion for field '%s' must be of type date and should not be enclosed in quotes"
	case kindDateTime:
		want = "value of filter criterion for field '%s' must be of type dateTime and should not be enclosed in quotes"
	default:
		want = "invalid value for field '%s'"
	}
	return posError(CodeInvalidFilterValue, x.text, v.Pos, fmt.Sprintf(want, name))
}

// validIDLiteral reports whether s looks like a Salesforce id: 15 or 18
// letters and digits. Salesforce rejects other id literals with
// INVALID_QUERY_FILTER_OPERATOR "invalid ID field: ...".
func validIDLiteral(s string) bool {
	if len(s) != 15 && len(s) != 18 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isDigit(c) && !(c|0x20 >= 'a' && c|0x20 <= 'z') {
			return false
		}
	}
	return true
}
