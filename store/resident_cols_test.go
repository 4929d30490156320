package store

import (
	"fmt"
	"reflect"
	"testing"
)

// TestColumnsHoldWhatWasAdded checks that a column gives back every value
// added to it, whichever representation it ends in: few distinct values
// (dictionary), many distinct texts or numbers, and mixed or compound
// values, with nulls anywhere.
func TestColumnsHoldWhatWasAdded(t *testing.T) {
	const n = 200
	cases := map[string]func(i int) any{
		"few values": func(i int) any {
			return []any{nil, "Prospecting", "Closed Won", true, false}[i%5]
		},
		"distinct text": func(i int) any {
			if i%7 == 0 {
				return nil
			}
			return fmt.Sprintf("006%015d", i)
		},
		"distinct numbers": func(i int) any {
			if i%9 == 0 {
				return nil
			}
			return float64(i) * 1.5
		},
		"text then numbers": func(i int) any {
			if i < n/2 {
				return fmt.Sprintf("v%d", i)
			}
			return float64(i)
		},
		"numbers then a boolean": func(i int) any {
			if i == n-1 {
				return true
			}
			return float64(i)
		},
		"compound values": func(i int) any {
			if i%2 == 0 {
				return map[string]any{"city": fmt.Sprint("c", i)}
			}
			return fmt.Sprint("s", i)
		},
		"all null": func(int) any { return nil },
	}
	for name, value := range cases {
		b := newColBuilder("Field", n)
		for i := range n {
			b.add(value(i))
		}
		c := b.done()
		for i := range n {
			if got, want := c.value(i), value(i); !reflect.DeepEqual(got, want) {
				t.Fatalf("%s: record %d holds %#v, want %#v", name, i, got, want)
			}
			want, _ := value(i).(string)
			if got := c.str(i); got != want {
				t.Fatalf("%s: record %d's text is %q, want %q", name, i, got, want)
			}
		}
	}
}
