package soql

import (
	"fmt"
	"strconv"
	"strings"
)

// maxNesting bounds parenthesised conditions and subqueries so hostile input
// cannot exhaust the stack.
const maxNesting = 100

// aggregateFuncs are the aggregate functions SOQL supports.
var aggregateFuncs = map[string]bool{
	"COUNT": true, "COUNT_DISTINCT": true, "SUM": true, "AVG": true, "MIN": true, "MAX": true,
}

// dateFuncs are the date functions usable in SELECT, WHERE, GROUP BY.
var dateFuncs = map[string]bool{
	"CALENDAR_YEAR": true, "CALENDAR_QUARTER": true, "CALENDAR_MONTH": true,
	"FISCAL_YEAR": true, "FISCAL_QUARTER": true, "FISCAL_MONTH": true,
	"DAY_IN_MONTH": true, "DAY_IN_WEEK": true, "DAY_IN_YEAR": true, "DAY_ONLY": true,
	"HOUR_IN_DAY": true, "WEEK_IN_MONTH": true, "WEEK_IN_YEAR": true,
}

// reserved words cannot be used as aliases.
var reserved = map[string]bool{
	"SELECT": true, "FROM": true, "WHERE": true, "AND": true, "OR": true, "NOT": true,
	"IN": true, "LIKE": true, "INCLUDES": true, "EXCLUDES": true, "GROUP": true,
	"BY": true, "HAVING": true, "ORDER": true, "LIMIT": true, "OFFSET": true,
	"ASC": true, "DESC": true, "NULLS": true, "WITH": true, "FOR": true,
	"USING": true, "NULL": true, "TRUE": true, "FALSE": true, "TYPEOF": true,
	"UPDATE": true, "ROLLUP": true, "CUBE": true, "WHEN": true, "THEN": true,
	"ELSE": true, "END": true,
}

// parser is a recursive-descent SOQL parser over a token slice.
type parser struct {
	text  string
	toks  []token
	pos   int
	depth int
}

// Parse parses a SOQL statement. Syntax errors are *Error with Code
// MALFORMED_QUERY and Salesforce's row/column message.
func Parse(s string) (*Query, error) {
	p := &parser{text: s, toks: lex(s)}
	first := p.peek()
	if !first.is("SELECT") {
		// Salesforce reports a wrong first word without the position block,
		// e.g. "unexpected token: SELEKT".
		return nil, &Error{Code: CodeMalformedQuery, Message: "unexpected token: " + first.text, Row: first.row, Column: first.col}
	}
	q, err := p.parseQuery()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tokEOF {
		return nil, p.unexpected(t)
	}
	q.Text = s
	return q, nil
}

func (p *parser) peek() token { return p.toks[p.pos] }

func (p *parser) peekAt(n int) token {
	if p.pos+n >= len(p.toks) {
		return p.toks[len(p.toks)-1]
	}
	return p.toks[p.pos+n]
}

func (p *parser) next() token {
	t := p.toks[p.pos]
	if t.kind != tokEOF {
		p.pos++
	}
	return t
}

// accept consumes the keyword or punctuation kw if it is next.
func (p *parser) accept(kw string) bool {
	if p.peek().is(kw) {
		p.pos++
		return true
	}
	return false
}

func (p *parser) expect(kw string) (token, error) {
	t := p.peek()
	if !t.is(kw) {
		return t, p.unexpected(t)
	}
	p.pos++
	return t, nil
}

func (p *parser) unexpected(t token) *Error {
	return posError(CodeMalformedQuery, p.text, Pos{t.row, t.col}, fmt.Sprintf("unexpected token: '%s'", t.text))
}

func (p *parser) errorAt(t token, msg string) *Error {
	return posError(CodeMalformedQuery, p.text, Pos{t.row, t.col}, msg)
}

func tokPos(t token) Pos { return Pos{t.row, t.col} }

// parseQuery parses SELECT ... up to (not including) EOF or a closing paren.
func (p *parser) parseQuery() (*Query, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxNesting {
		return nil, p.errorAt(p.peek(), "query is nested too deeply")
	}
	if _, err := p.expect("SELECT"); err != nil {
		return nil, err
	}
	q := &Query{Limit: -1}
	var err error
	if q.Select, err = parseList(p, p.parseSelectItem); err != nil {
		return nil, err
	}
	if _, err := p.expect("FROM"); err != nil {
		return nil, err
	}
	objTok := p.peek()
	path, err := p.parsePathAllowing(true)
	if err != nil {
		return nil, err
	}
	q.FromPath = path
	q.From = path[len(path)-1]
	q.fromPos = tokPos(objTok)
	if t := p.peek(); t.kind == tokIdent && !reserved[strings.ToUpper(t.text)] {
		q.FromAlias = p.next().text
	}
	if p.accept("USING") {
		if _, err := p.expect("SCOPE"); err != nil {
			return nil, err
		}
		if t := p.next(); t.kind != tokIdent {
			return nil, p.unexpected(t)
		}
	}
	if p.accept("WHERE") {
		if q.Where, err = p.parseOr(); err != nil {
			return nil, err
		}
	}
	if p.accept("WITH") {
		t := p.next()
		if t.kind != tokIdent || reserved[strings.ToUpper(t.text)] {
			return nil, p.unexpected(t)
		}
		q.With = strings.ToUpper(t.text)
	}
	if p.peek().is("GROUP") {
		p.next()
		if _, err := p.expect("BY"); err != nil {
			return nil, err
		}
		if q.GroupBy, err = p.parseGroupBy(); err != nil {
			return nil, err
		}
		if p.accept("HAVING") {
			if q.Having, err = p.parseOr(); err != nil {
				return nil, err
			}
		}
	}
	if p.peek().is("ORDER") {
		p.next()
		if _, err := p.expect("BY"); err != nil {
			return nil, err
		}
		if q.OrderBy, err = p.parseOrderBy(); err != nil {
			return nil, err
		}
	}
	if p.accept("LIMIT") {
		if q.Limit, err = p.parseCount(); err != nil {
			return nil, err
		}
	}
	if p.accept("OFFSET") {
		if q.Offset, err = p.parseCount(); err != nil {
			return nil, err
		}
	}
	if p.accept("FOR") {
		for {
			t := p.next()
			kw := strings.ToUpper(t.text)
			if t.kind != tokIdent || (kw != "VIEW" && kw != "UPDATE" && kw != "REFERENCE") {
				return nil, p.unexpected(t)
			}
			q.For = append(q.For, kw)
			if !p.accept(",") {
				break
			}
		}
	}
	if p.peek().is("UPDATE") {
		p.next()
		t := p.next()
		if !t.is("TRACKING") && !t.is("VIEWSTAT") {
			return nil, p.unexpected(t)
		}
	}
	return q, nil
}

// parseCount parses a non-negative integer (LIMIT, OFFSET).
func (p *parser) parseCount() (int, error) {
	t := p.next()
	if t.kind != tokNumber || strings.Contains(t.text, ".") {
		return 0, p.unexpected(t)
	}
	n, err := strconv.Atoi(t.text)
	if err != nil || n > 1<<31-1 {
		return 0, p.errorAt(t, fmt.Sprintf("invalid number: '%s'", t.text))
	}
	return n, nil
}

// parsePath parses ident(.ident)* where the first ident is not reserved.
func (p *parser) parsePath() ([]string, error) { return p.parsePathAllowing(false) }

// parsePathAllowing parses ident(.ident)*; when allowReserved the object
// names that are also keywords (Order, Group) are accepted first.
func (p *parser) parsePathAllowing(allowReserved bool) ([]string, error) {
	t := p.next()
	up := strings.ToUpper(t.text)
	if t.kind != tokIdent || (reserved[up] && !(allowReserved && (up == "ORDER" || up == "GROUP"))) {
		return nil, p.unexpected(t)
	}
	path := []string{t.text}
	for p.peek().is(".") {
		p.next()
		t := p.next()
		if t.kind != tokIdent {
			return nil, p.unexpected(t)
		}
		path = append(path, t.text)
	}
	return path, nil
}

// isFuncCall reports whether the next tokens are NAME '(' with NAME a known
// function (fn) and returns the upper-case name.
func (p *parser) isFuncCall(known map[string]bool) (string, bool) {
	t := p.peek()
	if t.kind != tokIdent || !p.peekAt(1).is("(") {
		return "", false
	}
	name := strings.ToUpper(t.text)
	return name, known[name]
}

// parseAlias parses an optional alias after a select item.
func (p *parser) parseAlias() string {
	if t := p.peek(); t.kind == tokIdent && !reserved[strings.ToUpper(t.text)] {
		p.next()
		return t.text
	}
	return ""
}

func (p *parser) parseSelectItem() (SelectItem, error) {
	start := p.peek()
	item := SelectItem{Pos: tokPos(start)}
	if start.is("(") {
		p.next()
		sub, err := p.parseQuery()
		if err != nil {
			return item, err
		}
		if _, err := p.expect(")"); err != nil {
			return item, err
		}
		item.Subquery = sub
		return item, nil
	}
	if start.is("TYPEOF") {
		p.next()
		t, err := p.parseTypeOf()
		if err != nil {
			return item, err
		}
		item.TypeOf = t
		return item, nil
	}
	if start.is("FIELDS") && p.peekAt(1).is("(") {
		p.next()
		p.next()
		t := p.next()
		kind := strings.ToUpper(t.text)
		if t.kind != tokIdent || (kind != "ALL" && kind != "STANDARD" && kind != "CUSTOM") {
			return item, p.unexpected(t)
		}
		if _, err := p.expect(")"); err != nil {
			return item, err
		}
		item.Fields = kind
		return item, nil
	}
	if name, ok := p.isFuncCall(aggregateFuncs); ok {
		arg, err := p.parseAggregateCall(name)
		if err != nil {
			return item, err
		}
		item.Func, item.Arg = name, arg
		item.Alias = p.parseAlias()
		return item, nil
	}
	if name, ok := p.isFuncCall(dateFuncs); ok {
		arg, tz, err := p.parseDateCall()
		if err != nil {
			return item, err
		}
		item.DateFunc, item.Arg, item.ConvertTimezone = name, arg, tz
		item.Alias = p.parseAlias()
		return item, nil
	}
	path, err := p.parsePath()
	if err != nil {
		return item, err
	}
	item.Path = path
	item.Alias = p.parseAlias()
	return item, nil
}

// parseTypeOf parses the rest of
// TYPEOF rel WHEN Type THEN f, ... [WHEN ...] [ELSE f, ...] END.
func (p *parser) parseTypeOf() (*TypeOf, error) {
	relTok := p.next()
	if relTok.kind != tokIdent || reserved[strings.ToUpper(relTok.text)] {
		return nil, p.unexpected(relTok)
	}
	t := &TypeOf{Relationship: relTok.text, Pos: tokPos(relTok)}
	fieldList := func() ([][]string, error) { return parseList(p, p.parsePath) }
	for p.accept("WHEN") {
		objTok := p.next()
		if objTok.kind != tokIdent {
			return nil, p.unexpected(objTok)
		}
		if _, err := p.expect("THEN"); err != nil {
			return nil, err
		}
		fields, err := fieldList()
		if err != nil {
			return nil, err
		}
		t.When = append(t.When, TypeOfWhen{Object: objTok.text, Fields: fields, Pos: tokPos(objTok)})
	}
	if len(t.When) == 0 {
		return nil, p.unexpected(p.peek())
	}
	if p.accept("ELSE") {
		fields, err := fieldList()
		if err != nil {
			return nil, err
		}
		t.Else = fields
	}
	if _, err := p.expect("END"); err != nil {
		return nil, err
	}
	return t, nil
}

// parseAggregateCall parses the aggregate call name(path), or COUNT(),
// whose name and "(" are next, and returns the path.
func (p *parser) parseAggregateCall(name string) ([]string, error) {
	p.next()
	p.next()
	var arg []string
	if !(name == "COUNT" && p.peek().is(")")) {
		var err error
		if arg, _, err = p.parseFuncArg(); err != nil {
			return nil, err
		}
	}
	_, err := p.expect(")")
	return arg, err
}

// parseDateCall parses the date function call whose name and "(" are next:
// FUNC(path) or FUNC(convertTimezone(path)).
func (p *parser) parseDateCall() (path []string, tz bool, err error) {
	p.next()
	p.next()
	if path, tz, err = p.parseFuncArg(); err != nil {
		return nil, false, err
	}
	_, err = p.expect(")")
	return path, tz, err
}

// parseFuncArg parses a function argument: a path, or convertTimezone(path)
// (tz is then true: date functions read the datetime in the user's zone).
func (p *parser) parseFuncArg() (path []string, tz bool, err error) {
	if t := p.peek(); t.is("convertTimezone") && p.peekAt(1).is("(") {
		p.next()
		p.next()
		path, err := p.parsePath()
		if err != nil {
			return nil, false, err
		}
		if _, err := p.expect(")"); err != nil {
			return nil, false, err
		}
		return path, true, nil
	}
	path, err = p.parsePath()
	return path, false, err
}

// parseList parses item (, item)*.
func parseList[T any](p *parser, item func() (T, error)) ([]T, error) {
	var list []T
	for {
		x, err := item()
		if err != nil {
			return nil, err
		}
		list = append(list, x)
		if !p.accept(",") {
			return list, nil
		}
	}
}

func (p *parser) parseGroupBy() ([]GroupItem, error) {
	if p.peek().is("ROLLUP") || p.peek().is("CUBE") {
		return nil, p.errorAt(p.peek(), "GROUP BY ROLLUP and CUBE are not supported")
	}
	return parseList(p, p.parseGroupItem)
}

func (p *parser) parseGroupItem() (GroupItem, error) {
	gi := GroupItem{Pos: tokPos(p.peek())}
	var err error
	gi.DateFunc, gi.Path, gi.ConvertTimezone, err = p.parseDateOrPath()
	return gi, err
}

func (p *parser) parseOrderBy() ([]OrderItem, error) { return parseList(p, p.parseOrderItem) }

func (p *parser) parseOrderItem() (OrderItem, error) {
	op, err := p.parseOperand()
	if err != nil {
		return OrderItem{}, err
	}
	oi := OrderItem{Path: op.Path, Func: op.Func, ConvertTimezone: op.ConvertTimezone, Pos: op.Pos}
	if p.accept("DESC") {
		oi.Desc = true
	} else {
		p.accept("ASC")
	}
	if p.accept("NULLS") {
		t := p.next()
		switch {
		case t.is("FIRST"):
		case t.is("LAST"):
			oi.NullsLast = true
		default:
			return oi, p.unexpected(t)
		}
		oi.NullsGiven = true
	}
	return oi, nil
}

// parseOperand parses a field path or FUNC(path) / COUNT().
func (p *parser) parseOperand() (Operand, error) {
	t := p.peek()
	op := Operand{Pos: tokPos(t)}
	if name, ok := p.isFuncCall(aggregateFuncs); ok {
		arg, err := p.parseAggregateCall(name)
		op.Func, op.Path = name, arg
		return op, err
	}
	var err error
	op.Func, op.Path, op.ConvertTimezone, err = p.parseDateOrPath()
	return op, err
}

// parseDateOrPath parses a date function call FUNC(path) (fn is then its
// name) or a field path.
func (p *parser) parseDateOrPath() (fn string, path []string, tz bool, err error) {
	if name, ok := p.isFuncCall(dateFuncs); ok {
		path, tz, err := p.parseDateCall()
		return name, path, tz, err
	}
	path, err = p.parsePath()
	return "", path, false, err
}

// parseOr parses cond (OR cond)*.
func (p *parser) parseOr() (Expr, error) {
	return p.parseBinary("OR", p.parseAnd)
}

// parseAnd parses cond (AND cond)*.
func (p *parser) parseAnd() (Expr, error) {
	return p.parseBinary("AND", p.parseNot)
}

// parseBinary parses operand (op operand)*, left-associative.
func (p *parser) parseBinary(op string, operand func() (Expr, error)) (Expr, error) {
	left, err := operand()
	if err != nil {
		return nil, err
	}
	for p.accept(op) {
		right, err := operand()
		if err != nil {
			return nil, err
		}
		left = &BinaryExpr{Op: op, Left: left, Right: right}
	}
	return left, nil
}

func (p *parser) parseNot() (Expr, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxNesting {
		return nil, p.errorAt(p.peek(), "condition is nested too deeply")
	}
	if p.accept("NOT") {
		x, err := p.parseNot()
		if err != nil {
			return nil, err
		}
		return &NotExpr{X: x}, nil
	}
	if p.accept("(") {
		x, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		if _, err := p.expect(")"); err != nil {
			return nil, err
		}
		return x, nil
	}
	return p.parseCondition()
}

func (p *parser) parseCondition() (Expr, error) {
	left, err := p.parseOperand()
	if err != nil {
		return nil, err
	}
	c := &Condition{Left: left}
	t := p.next()
	switch {
	case t.kind == tokPunct && (t.text == "=" || t.text == "!=" || t.text == "<>" || t.text == "<" || t.text == "<=" || t.text == ">" || t.text == ">="):
		c.Op = t.text
		if c.Op == "<>" {
			c.Op = "!="
		}
	case t.is("LIKE"):
		c.Op = "LIKE"
	case t.is("IN"), t.is("INCLUDES"), t.is("EXCLUDES"):
		c.Op = strings.ToUpper(t.text)
	case t.is("NOT"):
		if _, err := p.expect("IN"); err != nil {
			return nil, err
		}
		c.Op = "NOT IN"
	default:
		return nil, p.unexpected(t)
	}
	c.Pos = tokPos(p.peek())
	switch c.Op {
	case "IN", "NOT IN", "INCLUDES", "EXCLUDES":
		if _, err := p.expect("("); err != nil {
			return nil, err
		}
		if p.peek().is("SELECT") {
			if c.Op != "IN" && c.Op != "NOT IN" {
				return nil, p.unexpected(p.peek())
			}
			sub, err := p.parseQuery()
			if err != nil {
				return nil, err
			}
			c.Subquery = sub
		} else if c.Values, err = parseList(p, p.parseValue); err != nil {
			return nil, err
		}
		if _, err := p.expect(")"); err != nil {
			return nil, err
		}
	default:
		v, err := p.parseValue()
		if err != nil {
			return nil, err
		}
		c.Value = v
	}
	return c, nil
}

// parseValue parses one literal.
func (p *parser) parseValue() (Value, error) {
	t := p.next()
	v := Value{Pos: tokPos(t)}
	switch t.kind {
	case tokString:
		v.Kind, v.Str, v.like = ValString, plainString(t.text), t.text
		return v, nil
	case tokNumber:
		return p.number(v, t, "")
	case tokDate:
		v.Kind, v.Str = ValDate, t.text
		return v, nil
	case tokDateTime:
		v.Kind, v.Str = ValDateTime, t.text
		if _, err := parseDateTimeLiteral(t.text); err != nil {
			return v, p.errorAt(t, fmt.Sprintf("invalid datetime: %s", t.text))
		}
		return v, nil
	case tokPunct:
		if t.text == "-" || t.text == "+" {
			n := p.next()
			if n.kind != tokNumber || n.off != t.off+1 {
				return v, p.unexpected(n)
			}
			sign := ""
			if t.text == "-" {
				sign = "-"
			}
			return p.number(v, n, sign)
		}
	case tokIdent:
		name := strings.ToUpper(t.text)
		switch name {
		case "NULL":
			v.Kind = ValNull
			return v, nil
		case "TRUE", "FALSE":
			v.Kind, v.Bool = ValBool, name == "TRUE"
			return v, nil
		}
		if spec, ok := dateLiterals[name]; ok {
			v.Kind, v.Str = ValDateLiteral, name
			if spec.takesN {
				if _, err := p.expect(":"); err != nil {
					return v, err
				}
				nt := p.next()
				if nt.kind != tokNumber || strings.Contains(nt.text, ".") {
					return v, p.unexpected(nt)
				}
				n, err := strconv.Atoi(nt.text)
				if err != nil || n > 100000 {
					return v, p.errorAt(nt, fmt.Sprintf("invalid date literal argument: %s", nt.text))
				}
				v.N = n
			}
			return v, nil
		}
	}
	return v, p.unexpected(t)
}

func (p *parser) number(v Value, t token, sign string) (Value, error) {
	f, err := strconv.ParseFloat(sign+t.text, 64)
	if err != nil {
		return v, p.errorAt(t, fmt.Sprintf("invalid number: '%s'", t.text))
	}
	v.Kind, v.Num, v.Str = ValNumber, f, sign+t.text
	return v, nil
}
