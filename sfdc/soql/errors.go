package soql

import (
	"fmt"
	"strings"
)

// Error codes Salesforce uses for query errors.
const (
	CodeMalformedQuery = "MALFORMED_QUERY"
	CodeInvalidField   = "INVALID_FIELD"
	CodeInvalidType    = "INVALID_TYPE"
	// CodeInvalidFilterValue is used for a literal of the wrong type for
	// its field, e.g. Amount = 'abc'.
	CodeInvalidFilterValue = "INVALID_QUERY_FILTER_OPERATOR"
)

// posError builds an *Error in Salesforce's row/column message form:
// "\n<soql line>\n<spaces>^\nERROR at Row:R:Column:C\n<msg>".
func posError(code, text string, p Pos, msg string) *Error {
	line := text
	lines := strings.Split(text, "\n")
	if p.Row >= 1 && p.Row <= len(lines) {
		line = lines[p.Row-1]
	}
	pad := p.Col - 1
	if pad < 0 {
		pad = 0
	}
	return &Error{
		Code:    code,
		Message: fmt.Sprintf("\n%s\n%s^\nERROR at Row:%d:Column:%d\n%s", line, strings.Repeat(" ", pad), p.Row, p.Col, msg),
		Row:     p.Row,
		Column:  p.Col,
	}
}

func noSuchColumn(text string, p Pos, field, object string) *Error {
	return posError(CodeInvalidField, text, p, fmt.Sprintf(
		"No such column '%s' on entity '%s'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.",
		field, object))
}

func badRelationship(text string, p Pos, rel string) *Error {
	return posError(CodeInvalidField, text, p, fmt.Sprintf(
		"Didn't understand relationship '%s' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.",
		rel))
}

func badChildRelationship(text string, p Pos, rel string) *Error {
	return posError(CodeInvalidType, text, p, fmt.Sprintf(
		"Didn't understand relationship '%s' in FROM part of query call. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.",
		rel))
}

func unsupportedType(text string, p Pos, object string) *Error {
	return posError(CodeInvalidType, text, p, fmt.Sprintf(
		"sObject type '%s' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.",
		object))
}
