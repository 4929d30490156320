package book

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/lazyforce/lazyforce/sfdc/soql"
)

// The signed-in user's tasks (issue 16, "My tasks"): what the tasks pane
// lists, each with the record it is about.

// Task is one of the user's tasks with the names of the records it
// relates to: the What (an account, an opportunity, …) and the Who (a
// contact or a lead).
type Task struct {
	ID       string
	Subject  string
	Due      time.Time // ActivityDate, a UTC midnight; zero when none
	Status   string
	Priority string
	// Closed is Salesforce's IsClosed, or a status of "Completed" (a
	// completion queued in the outbox changes only the status).
	Closed     bool
	WhatID     string
	WhatName   string
	WhatObject string // "Account", "Opportunity", …; "" without a What
	WhoID      string
	WhoName    string
	WhoObject  string // "Contact" or "Lead"; "" without a Who
}

var taskFields = []string{"Subject", "ActivityDate", "Status", "Priority", "IsClosed", "OwnerId", "WhatId", "WhoId"}

// taskOf decodes a task (without the related names); owner is its
// OwnerId.
func taskOf(key string, r soql.Record) (t Task, owner string) {
	t = Task{
		ID: recordID(key, r), Subject: str(r, "Subject"), Due: parseDate(str(r, "ActivityDate")),
		Status: str(r, "Status"), Priority: str(r, "Priority"), WhatID: str(r, "WhatId"), WhoID: str(r, "WhoId"),
	}
	t.Closed = boolean(r, "IsClosed") || strings.EqualFold(strings.TrimSpace(t.Status), "Completed")
	return t, str(r, "OwnerId")
}

// MyOpenTasks returns the open tasks of the signed-in user (the cache's
// identity) with their related records' names, by due date (no date
// last), then subject. Without an identity there are none.
func (b *Book) MyOpenTasks(ctx context.Context) ([]Task, error) {
	return b.MyTasks(ctx, nil)
}

// MyTasks is MyOpenTasks with the closed tasks keep says to keep as well
// (e.g. those whose completion is still in the outbox); keep may be nil.
func (b *Book) MyTasks(ctx context.Context, keep func(id string) bool) ([]Task, error) {
	id, ok, err := b.st.Identity()
	if err != nil {
		return nil, fmt.Errorf("read identity: %w", err)
	}
	if !ok || id.UserID == "" {
		return nil, nil
	}
	var out []Task
	err = b.each(ctx, "Task", taskFields, func(key string, r soql.Record) {
		t, owner := taskOf(key, r)
		if !sameID(owner, id.UserID) || (t.Closed && (keep == nil || !keep(t.ID))) {
			return
		}
		out = append(out, t)
	})
	if err != nil {
		return nil, err
	}
	for i := range out {
		t := &out[i]
		t.WhatObject, t.WhatName = b.objectAndName(t.WhatID)
		t.WhoObject, t.WhoName = b.objectAndName(t.WhoID)
	}
	slices.SortStableFunc(out, func(a, b Task) int {
		switch {
		case a.Due.IsZero() != b.Due.IsZero():
			if a.Due.IsZero() {
				return 1
			}
			return -1
		case !a.Due.Equal(b.Due):
			return a.Due.Compare(b.Due)
		}
		return cmp.Compare(a.Subject, b.Subject)
	})
	return out, ctx.Err()
}

// Task returns one cached task (open or not) with its related records'
// names; ok is false when it is not cached.
func (b *Book) Task(ctx context.Context, id string) (Task, bool, error) {
	return one(ctx, b, "Task", id, taskFields, func(key string, r soql.Record, _ nameFunc) Task {
		t, _ := taskOf(key, r)
		t.WhatObject, t.WhatName = b.objectAndName(t.WhatID)
		t.WhoObject, t.WhoName = b.objectAndName(t.WhoID)
		return t
	})
}

// sameID reports whether two Ids name the same record: a 15-character Id
// is the first 15 characters of its 18-character form.
func sameID(a, b string) bool {
	if len(a) >= 15 && len(b) >= 15 {
		return a[:15] == b[:15]
	}
	return a == b
}
